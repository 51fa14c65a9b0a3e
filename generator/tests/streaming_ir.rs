//! The streaming decisions lowering makes, per operation of the construct
//! specs that exercise them: pagination (detected, from `x-pagination`, or
//! none), event streams and downloads, with the warnings. The generated
//! code for the same specs is in the construct snapshots.

use std::path::Path;

use clientgen::ir::{Operation, ResponseBody};

fn decisions(name: &str) -> String {
    let display = format!("generator/tests/constructs/{name}.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/constructs").join(format!("{name}.yaml"));
    let lowered = clientgen::lower_file(&path, &display).unwrap_or_else(|d| panic!("{display}: {d}"));
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
            lines.push(format!("  pagination ({:?}): items `{}` of {}", p.source, p.items, serde_json::to_string(&p.item).unwrap()));
            lines.push(format!("    next: {}", serde_json::to_string(&p.next).unwrap()));
        }
        None => lines.push("  not paginated".to_string()),
    }
    for r in &op.responses {
        if let ResponseBody::Events(data) = &r.body {
            lines.push(format!("  {:?}: event stream of {}", r.status, serde_json::to_string(data).unwrap()));
        }
    }
    if let Some(e) = &op.events {
        lines.push(format!("  events alternative for {:?}: {}", e.status, serde_json::to_string(&e.data).unwrap()));
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
