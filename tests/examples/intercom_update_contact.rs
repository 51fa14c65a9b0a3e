//! # Update an Intercom contact (`PUT /contacts/{contact_id}`)
//!
//! Changes the email and/or name of an existing Intercom contact (a user or a
//! lead) with the generated client `contact_clients::intercom`, and prints the
//! contact as Intercom stored it.
//!
//! ```sh
//! INTERCOM_TOKEN=<access token> \
//! INTERCOM_CONTACT_ID=650cbc286d0a728750658b15 \
//! INTERCOM_EMAIL=joebloggs@intercom.io INTERCOM_NAME="joe bloggs" \
//!   cargo run -p contact-tests --example intercom_update_contact
//! ```
//!
//! * `INTERCOM_TOKEN` (required): an Intercom access token, sent as a bearer token.
//! * `INTERCOM_CONTACT_ID` (required): the contact's Intercom `id`.
//! * `INTERCOM_EMAIL`, `INTERCOM_NAME`: the fields to change (at least one).
//! * `--base-url <url>` or `BASE_URL`: another server, e.g. a mock
//!   (`npx prism mock specs/intercom.yaml`). Default: Intercom's US region.
//!
//! Exits with status 1 if the call fails, 2 on a usage error.

use std::process::ExitCode;

use contact_clients::intercom::{types, Client, UpdateContactError};
use contact_clients::runtime::{Error, Maybe};

/// Sends the update and returns the updated contact.
///
/// `base_url: None` talks to the production server (US region); use
/// `ClientBuilder::server(Server::ProductionEu)` for the EU or AU region.
pub async fn run(
    base_url: Option<&str>,
    token: &str,
    contact_id: &str,
    changes: &types::UpdateContactRequest,
) -> Result<types::Contact, Error<UpdateContactError>> {
    // 1. Configure the client: credentials, and the server to talk to. The
    //    client sends `Intercom-Version: 2.11` (the version `types::Contact`
    //    describes) unless told otherwise: without it Intercom would answer in
    //    the version configured for the app. `.intercom_version(...)` here
    //    changes it for every call, and on a call for that call only.
    let mut builder = Client::builder().bearer_auth(token);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    // `build` validates the configuration (e.g. the base URL); its error
    // converts into the same `Error` type as the call's.
    let client = builder.build()?;

    // 2. Call the operation: path parameter and body are arguments, optional
    //    parameters (here the `Intercom-Version` header) are builder methods.
    //    Awaiting the builder sends the request.
    let response = client
        .update_contact(contact_id, changes)
        .intercom_version(types::IntercomVersion::V211)
        .await?;

    // 3. A 200 is decoded into `types::Contact`; a 401/404 arrives as
    //    `Error::Api` with the decoded Intercom error list.
    Ok(response.into_body())
}

#[tokio::main]
async fn main() -> ExitCode {
    let (Some(token), Some(contact_id)) = (env("INTERCOM_TOKEN"), env("INTERCOM_CONTACT_ID"))
    else {
        eprintln!("usage: INTERCOM_TOKEN=... INTERCOM_CONTACT_ID=... [INTERCOM_EMAIL=...] [INTERCOM_NAME=...] intercom_update_contact [--base-url URL]");
        return ExitCode::from(2);
    };

    // Only the fields that are set are sent; everything else keeps its value
    // in Intercom. `name` is nullable, so it is a `Maybe`: `Maybe::Null` would
    // clear it, `Maybe::Absent` (the default) leaves it unchanged.
    let changes = types::UpdateContactRequest {
        email: env("INTERCOM_EMAIL"),
        name: env("INTERCOM_NAME").map_or(Maybe::Absent, Maybe::Value),
        ..Default::default()
    };
    if changes == types::UpdateContactRequest::default() {
        eprintln!("nothing to update: set INTERCOM_EMAIL and/or INTERCOM_NAME");
        return ExitCode::from(2);
    }

    match run(base_url().as_deref(), &token, &contact_id, &changes).await {
        Ok(contact) => {
            println!(
                "updated {} {}: email {}, name {}",
                contact.role,
                contact.id,
                contact.email.as_deref().unwrap_or("(none)"),
                contact.name.as_deref().unwrap_or("(none)")
            );
            println!(
                "{}",
                serde_json::to_string_pretty(&contact).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            // `Display` never contains the token.
            eprintln!("error: {err}");
            if let Error::Api {
                body: UpdateContactError::Unauthorized(_),
                ..
            } = err
            {
                eprintln!("hint: check INTERCOM_TOKEN");
            }
            ExitCode::FAILURE
        }
    }
}

/// A non-empty environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `--base-url <url>` / `--base-url=<url>`, else `BASE_URL`.
fn base_url() -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--base-url" {
            return args.next();
        }
        if let Some(url) = arg.strip_prefix("--base-url=") {
            return Some(url.to_string());
        }
    }
    env("BASE_URL")
}
