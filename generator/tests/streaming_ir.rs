//! The streaming decisions lowering makes, per operation of the construct
//! specs that exercise them: pagination (detected, from `x-pagination`, or
//! none), event streams and downloads, with the warnings. The generated
//! code for the same specs is in the construct snapshots.

use std::path::Path;

use clientgen::ir::{Operation, ResponseBody};

fn decisions(name: &str) -> String {
    let display = format!("generator/tests/constructs/{name}.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/constructs")
        .join(format!("{name}.yaml"));
    let lowered =
        clientgen::lower_file(&path, &display).unwrap_or_else(|d| panic!("{display}: {d}"));
    let mut out = String::new();
    for op in &lowered.api.operations {
        out.push_str(&format!("{}:\n{}", op.name, describe(op)));
    }
    for w in &lowered.warnings {
        out.push_str(&format!("{w}\n"));
    }
    out
}

fn describe(op: &Operation) -> String {
    let mut lines = Vec::new();
    match &op.pagination {
        Some(p) => {
            lines.push(format!(
                "  pagination ({:?}): items `{}` of {}",
                p.source,
                p.items,
                serde_json::to_string(&p.item).unwrap()
            ));
            lines.push(format!(
                "    next: {}",
                serde_json::to_string(&p.next).unwrap()
            ));
        }
        None => lines.push("  not paginated".to_string()),
    }
    for r in &op.responses {
        if let ResponseBody::Events(data) = &r.body {
            lines.push(format!(
                "  {:?}: event stream of {}",
                r.status,
                serde_json::to_string(data).unwrap()
            ));
        }
    }
    if let Some(e) = &op.events {
        lines.push(format!(
            "  events alternative for {:?}: {}",
            e.status,
            serde_json::to_string(&e.data).unwrap()
        ));
    }
    if op.download {
        lines.push("  download".to_string());
    }
    if let Some(accept) = &op.accept {
        lines.push(format!("  accept: {accept}"));
    }
    lines.join("\n") + "\n"
}

#[test]
fn pagination_cursor() {
    insta::assert_snapshot!(decisions("pagination_cursor"));
}

#[test]
fn pagination_numbers() {
    insta::assert_snapshot!(decisions("pagination_numbers"));
}

#[test]
fn pagination_extension() {
    insta::assert_snapshot!(decisions("pagination_extension"));
}

#[test]
fn event_streams() {
    insta::assert_snapshot!(decisions("event_streams"));
}

#[test]
fn downloads() {
    insta::assert_snapshot!(decisions("downloads"));
}

/// `[pagination]` in `clientgen.toml` overrides the extension and detection,
/// by operationId or `METHOD /path`; a key naming no operation is reported.
#[test]
fn pagination_from_configuration() {
    let text = r#"
spec = "pagination_extension.yaml"
[pagination]
listLogs = { style = "cursor", param = "cursor", cursor = "next_cursor" }
"GET /events" = false
listNothing = false
"#;
    let config = clientgen::config::parse(text, "clientgen.toml").expect("config parses");
    let apis = config.apis().expect("one API");
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/constructs/pagination_extension.yaml");
    let loaded = clientgen::load::load_file(&path).expect("spec loads");
    let lowered =
        clientgen::lower_loaded_with(loaded, "pagination_extension.yaml", &apis[0].options);
    let op = |name: &str| {
        lowered
            .api
            .operations
            .iter()
            .find(|o| o.name == name)
            .expect(name)
    };
    let logs = op("list_logs")
        .pagination
        .as_ref()
        .expect("configured pagination");
    assert_eq!(logs.source, clientgen::ir::PaginationSource::Config);
    assert_eq!(
        serde_json::to_value(&logs.next).unwrap(),
        serde_json::json!({"style": "cursor", "param": "cursor", "cursor": "/next_cursor", "has_more": null})
    );
    assert!(
        op("list_events").pagination.is_none(),
        "configured `false` turns the extension off"
    );
    assert!(
        op("list_widgets").pagination.is_some(),
        "the extension still applies elsewhere"
    );
    let warnings: Vec<String> = lowered.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("pagination: no operation `listNothing`")),
        "{warnings:#?}"
    );
}
