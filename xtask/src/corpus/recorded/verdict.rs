//! Judging and reporting the exchanges: what passed, what failed, which
//! failures `corpus/recorded/exceptions.tsv` expects.

use std::collections::BTreeMap;
use std::fs;

use super::super::directory::entries;
use super::super::row::Row;
use super::{recorded_dir, Disposition, Recorded};

/// One line of `corpus/recorded/exceptions.tsv`.
#[derive(Debug, PartialEq)]
pub(super) struct Exception {
    /// Text the failure must contain (it is expected only as listed).
    pub(super) failure: String,
    pub(super) why: String,
}

/// `corpus/recorded/exceptions.tsv`: `(source name, exchange origin)` →
/// the expected failure.
pub(super) fn exceptions() -> Result<BTreeMap<(String, String), Exception>, String> {
    let path = recorded_dir().join("exceptions.tsv");
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse_exceptions(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse_exceptions(text: &str) -> Result<BTreeMap<(String, String), Exception>, String> {
    let mut out = BTreeMap::new();
    for line in entries(text) {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [name, origin, failure, why] = cols[..] else {
            return Err(format!(
                "expected `name<TAB>exchange<TAB>failure<TAB>why`, found {line:?}"
            ));
        };
        let key = (name.to_string(), origin.to_string());
        let e = Exception {
            failure: failure.to_string(),
            why: why.to_string(),
        };
        if out.insert(key, e).is_some() {
            return Err(format!("{name} {origin} is listed twice"));
        }
    }
    Ok(out)
}

/// One exchange's outcome for the report and the verdict: `Ok(note)` or
/// `Err(what failed)`; `None` when it was not checked.
fn outcome(row: &Row, rec: &Recorded, k: usize) -> Option<Result<String, String>> {
    // A request path the client would build differently, or a request body
    // its types cannot express, fails the exchange.
    for (what, cases) in [
        ("request path", &rec.path_cases),
        ("request body", &rec.request_cases),
    ] {
        if let Some(Some(i)) = cases.get(k) {
            match row.results.get(i) {
                Some(r) if r["result"] == "ok" => {}
                Some(r) => {
                    return Some(Err(format!(
                        "{what}: {}",
                        super::super::report::case_failure(r)
                    )))
                }
                None => return Some(Err(format!("{what}: not run"))),
            }
        }
    }
    match rec.dispositions.get(k)? {
        Disposition::NoBody => Some(Ok("no body, as declared".into())),
        Disposition::Plain(what) => Some(Ok((*what).into())),
        Disposition::Skipped(_) => None,
        Disposition::Case(i) => Some(match row.results.get(i) {
            None => Err(row
                .roundtrip_error
                .clone()
                .unwrap_or_else(|| "not run".into())),
            Some(r) if r["result"] == "ok" => Ok(match r.get("normalised") {
                Some(n) => format!("decoded; re-encoded normalised: {n}"),
                None => "decoded, re-encoded equal".into(),
            }),
            Some(r) => Err(super::super::report::case_failure(r)),
        }),
    }
}

/// Adds the recorded rows' failures (unexpected, or listed but passing) and
/// summary lines to the verdict.
pub(in crate::corpus) fn judge(
    rows: &[Row],
    failures: &mut Vec<String>,
    summary: &mut Vec<String>,
) -> Result<(), String> {
    let exceptions = exceptions()?;
    let mut listed_seen = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for row in rows {
        let Some(rec) = &row.recorded else { continue };
        names.insert(rec.name.clone());
        if let Some(e) = &row.gen_error {
            failures.push(format!("recorded: {}: generate: {e}", rec.name));
            continue;
        }
        if !matches!(row.check, super::super::row::Check::Ok) {
            failures.push(format!("recorded: {}: {}", rec.name, row.check_cell()));
        }
        let (mut ok, mut failed, mut expected, mut skipped) = (0, 0, 0, 0);
        // (cases, of them ok) of one kind of check.
        let tally = |cases: &[Option<usize>]| {
            let run: Vec<usize> = cases.iter().flatten().copied().collect();
            let ok = run
                .iter()
                .filter(|i| row.results.get(*i).is_some_and(|r| r["result"] == "ok"))
                .count();
            (run.len(), ok)
        };
        let (sent, sent_ok) = tally(&rec.request_cases);
        let (paths, paths_ok) = tally(&rec.path_cases);
        for (k, x) in rec.exchanges.iter().enumerate() {
            let key = (rec.name.clone(), x.origin.clone());
            let listed = exceptions.get(&key);
            if listed.is_some() {
                listed_seen.insert(key);
            }
            match (outcome(row, rec, k), listed) {
                (None, _) => skipped += 1,
                (Some(Ok(_)), None) => ok += 1,
                (Some(Ok(_)), Some(_)) => {
                    ok += 1;
                    failures.push(format!(
                        "recorded: {}: {} is listed in exceptions.tsv but passes: remove its line",
                        rec.name, x.origin
                    ));
                }
                (Some(Err(e)), Some(listed)) if e.contains(&listed.failure) => expected += 1,
                (Some(Err(e)), listed) => {
                    failed += 1;
                    let note = match listed {
                        Some(l) => {
                            format!(" (exceptions.tsv expects a failure with {:?})", l.failure)
                        }
                        None => String::new(),
                    };
                    failures.push(format!("recorded: {}: {}: {e}{note}", rec.name, x.origin));
                }
            }
        }
        summary.push(format!(
            "recorded exchanges ({}): {} of {} checked pass, {failed} fail, {expected} fail as listed in exceptions.tsv; {skipped} not checked (see recorded.md); {paths_ok} of {paths} request paths built as recorded; {sent_ok} of {sent} request bodies decode into the operation's body type",
            rec.name,
            ok,
            ok + failed + expected,
        ));
    }
    // Lines of the sources run here that name no exchange.
    let unseen = exceptions
        .keys()
        .filter(|k| names.contains(&k.0) && !listed_seen.contains(*k));
    for (name, origin) in unseen {
        failures.push(format!(
            "recorded: exceptions.tsv lists {name} {origin}, which no recording has: remove its line"
        ));
    }
    Ok(())
}

/// `target/corpus/recorded.md`: every exchange, its operation and outcome.
pub(in crate::corpus) fn report(rows: &[Row]) -> String {
    let exceptions = exceptions().unwrap_or_default();
    let mut s = String::from("# Recorded exchanges\n\nGenerated by `cargo xtask corpus --part recorded`: each exchange of the recordings, the operation it reached, and what decoding its response gave (see `xtask/src/corpus/recorded.rs`).\n\n");
    for row in rows {
        let Some(rec) = &row.recorded else { continue };
        s.push_str(&format!(
            "## {} (`{}`)\n\n| exchange | operation | status | outcome |\n|---|---|--:|---|\n",
            rec.name,
            row.spec.display()
        ));
        for (k, x) in rec.exchanges.iter().enumerate() {
            let op = rec.operations.get(k).cloned().flatten().unwrap_or_default();
            let cell = match rec.dispositions.get(k) {
                None => "not generated".to_string(),
                Some(d) => match (outcome(row, rec, k), d) {
                    (Some(Ok(note)), _) => format!("ok: {note}"),
                    (Some(Err(e)), _) => {
                        match exceptions.get(&(rec.name.clone(), x.origin.clone())) {
                            Some(l) if e.contains(&l.failure) => {
                                format!("expected failure ({}): {e}", l.why)
                            }
                            _ => format!("FAIL: {e}"),
                        }
                    }
                    (None, Disposition::Skipped(why)) => format!("not checked: {why}"),
                    (None, _) => "not checked".into(),
                },
            };
            s.push_str(&format!(
                "| {} {} `{}` | `{}` | {} | {} |\n",
                x.origin,
                x.method,
                x.path,
                op,
                x.status,
                cell.replace('|', "\\|").replace('\n', " ")
            ));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceptions_parse_and_reject_bad_lines() {
        let text = "# c\n\ngithub\ta.json#0\tdecode at `x`\told\n";
        let parsed = parse_exceptions(text).unwrap();
        let e = &parsed[&("github".to_string(), "a.json#0".to_string())];
        assert_eq!(
            (e.failure.as_str(), e.why.as_str()),
            ("decode at `x`", "old")
        );
        assert!(parse_exceptions("github\ta.json#0\n").is_err());
        assert!(parse_exceptions(&format!("{text}{text}")).is_err());
    }
}
