//! A crate whose API client is generated at build time: `build.rs` writes
//! `$OUT_DIR/petstore.rs` from `openapi.yaml`, and the module below
//! `include!`s it. Nothing generated is checked in.

/// The Pet Store client: `petstore::Client`, `petstore::types`, and the
/// runtime in `petstore::runtime`.
pub mod petstore {
    include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
}

/// The same file works at any depth, in a private module, with nothing
/// used: no name in it assumes where it is included, and unused items do not
/// warn.
mod nested {
    mod deeper {
        include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
    }
}

/// The names of the available pets on the first page: library code using
/// the generated client like any other module.
pub async fn available_names(
    client: &petstore::Client,
) -> Result<Vec<String>, petstore::runtime::Error<petstore::ListPetsError>> {
    let pets = client
        .list_pets()
        .status(petstore::types::Status::Available)
        .limit(10)
        .await?;
    Ok(pets.iter().map(|p| p.name.clone()).collect())
}

/// Modules generated from the repository's specs, compiled by the tests
/// (see `build.rs`).
#[cfg(test)]
mod coverage {
    mod insighto {
        include!(concat!(env!("OUT_DIR"), "/insighto.rs"));
    }
    mod intercom {
        include!(concat!(env!("OUT_DIR"), "/intercom.rs"));
    }
    mod intercom_legacy {
        include!(concat!(env!("OUT_DIR"), "/intercom_legacy.rs"));
    }
    mod paragon {
        include!(concat!(env!("OUT_DIR"), "/paragon.rs"));
    }
    mod media_types {
        include!(concat!(env!("OUT_DIR"), "/media_types.rs"));
    }
}
