//! `specs/paragon-actionkit.yaml` is Paragon's published document, byte for
//! byte: the text between the ```` fences of the documentation page kept in
//! `specs/sources/` (see its README).

use std::path::Path;

#[test]
fn paragon_spec_is_the_published_bytes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seed_path = root.join("specs/sources/paragon-actionkit-update-contact.txt");
    let seed = std::fs::read_to_string(&seed_path).unwrap_or_else(|e| {
        panic!(
            "published page not readable at {}: {e}",
            seed_path.display()
        )
    });
    let open = seed.find("````yaml").expect("opening fence");
    let body_start = open + seed[open..].find('\n').expect("fence line ends") + 1;
    let body_len = seed[body_start..].find("````").expect("closing fence");
    let published = &seed[body_start..body_start + body_len];
    let ours =
        std::fs::read_to_string(root.join("specs/paragon-actionkit.yaml")).expect("spec readable");
    assert_eq!(ours, published);
}
