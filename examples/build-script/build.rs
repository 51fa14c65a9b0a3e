//! Generates the Pet Store client into `$OUT_DIR/petstore.rs`.

use std::process::exit;

fn main() {
    if let Err(e) = clientgen::build_script::generate("openapi.yaml", "petstore.rs") {
        // The message names the spec, line:column and JSON pointer.
        eprintln!("{e}");
        exit(1);
    }

    // Not part of the example: the repository's own specs and some construct
    // specs, so the tests also compile the module layout for everything those
    // use (tri-state fields, nullable deserializers, multipart bodies) and
    // check constructs on the wire (server variables, untagged unions).
    let coverage = [
        ("../../specs/insighto.yaml", "insighto.rs"),
        ("../../specs/intercom.yaml", "intercom.rs"),
        ("../../specs/intercom-legacy.yaml", "intercom_legacy.rs"),
        ("../../specs/paragon-actionkit.yaml", "paragon.rs"),
        (
            "../../generator/tests/constructs/request_media_types.yaml",
            "media_types.rs",
        ),
        (
            "../../generator/tests/constructs/server_variables.yaml",
            "server_variables.rs",
        ),
        (
            "../../generator/tests/constructs/anyof_partial_objects.yaml",
            "anyof_partial_objects.rs",
        ),
    ];
    for (spec, file) in coverage {
        if let Err(e) = clientgen::build_script::generate(spec, file) {
            eprintln!("{e}");
            exit(1);
        }
    }
}
