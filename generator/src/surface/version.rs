//! The version bump a set of changes calls for, by Cargo's SemVer rules.

use std::fmt;

/// How much a release changes, in SemVer terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing public changed.
    None,
    /// Documentation only.
    Patch,
    /// Additions only.
    Minor,
    /// Something that worked may break.
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

impl Bump {
    /// `version` bumped. Cargo treats the left-most non-zero number as the
    /// major one: in `0.y.z` a breaking change bumps `y` and anything else
    /// bumps `z`; in `0.0.z` every change bumps `z`. Pre-release and build
    /// metadata are dropped.
    pub fn apply(self, version: &str) -> Result<String, String> {
        let mut v = semver::Version::parse(version.trim())
            .map_err(|e| format!("`{version}` is not a SemVer version: {e}"))?;
        if self == Bump::None {
            return Ok(v.to_string());
        }
        v.pre = semver::Prerelease::EMPTY;
        v.build = semver::BuildMetadata::EMPTY;
        match (v.major, v.minor, self) {
            (0, 0, _) => v.patch += 1,
            (0, _, Bump::Major) => {
                v.minor += 1;
                v.patch = 0;
            }
            (0, _, _) => v.patch += 1,
            (_, _, Bump::Major) => {
                v.major += 1;
                v.minor = 0;
                v.patch = 0;
            }
            (_, _, Bump::Minor) => {
                v.minor += 1;
                v.patch = 0;
            }
            _ => v.patch += 1,
        }
        Ok(v.to_string())
    }

    /// Whether going from `from` to `to` already is at least this bump (so
    /// a second `--bump` before a release does not bump again).
    pub fn satisfied_by(self, from: &str, to: &str) -> bool {
        let (Ok(a), Ok(b)) = (
            semver::Version::parse(from.trim()),
            semver::Version::parse(to.trim()),
        ) else {
            return false;
        };
        match self.apply(from) {
            Ok(want) => semver::Version::parse(&want).is_ok_and(|w| b >= w) && b > a,
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bump::*;

    #[test]
    fn zero_x_rules() {
        let cases = [
            (Major, "0.1.0", "0.2.0"),
            (Minor, "0.1.0", "0.1.1"),
            (Patch, "0.1.0", "0.1.1"),
            (Major, "0.0.3", "0.0.4"),
            (Minor, "0.0.3", "0.0.4"),
            (Major, "1.2.3", "2.0.0"),
            (Minor, "1.2.3", "1.3.0"),
            (Patch, "1.2.3", "1.2.4"),
            (None, "1.2.3", "1.2.3"),
            (Major, "1.0.0-alpha.1+b", "2.0.0"),
        ];
        for (bump, from, to) in cases {
            assert_eq!(bump.apply(from).unwrap(), to, "{bump} {from}");
        }
        assert!(Major.apply("one").is_err());
        assert!(Major.satisfied_by("0.1.0", "0.2.0"));
        assert!(!Major.satisfied_by("0.1.0", "0.1.1"));
        assert!(Minor.satisfied_by("0.1.0", "0.1.1"));
        assert!(!Patch.satisfied_by("0.1.0", "0.1.0"));
    }
}
