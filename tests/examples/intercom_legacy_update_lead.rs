//! # Update an Intercom lead with the legacy API (`POST /contacts`)
//!
//! Changes the email and/or name of an existing lead through Intercom's legacy
//! (pre-2.0) API with the generated client `contact_clients::intercom_legacy`,
//! and prints the lead as Intercom stored it.
//!
//! ```sh
//! INTERCOM_TOKEN=<access token> \
//! INTERCOM_LEAD_ID=5811f6bbe6b4704ddfa84ac0 \
//! INTERCOM_EMAIL=obrien@truth.org INTERCOM_NAME=OBrien \
//!   cargo run -p contact-tests --example intercom_legacy_update_lead
//! ```
//!
//! * `INTERCOM_TOKEN` (required): an Intercom access token, sent as a bearer token.
//! * `INTERCOM_LEAD_ID` and/or `INTERCOM_LEAD_USER_ID` (at least one): the lead's
//!   Intercom `id` / its `user_id`. A lead cannot be identified by email.
//! * `INTERCOM_EMAIL`, `INTERCOM_NAME`: the fields to change (at least one).
//! * `--base-url <url>` or `BASE_URL`: another server, e.g. a mock
//!   (`npx prism mock specs/intercom-legacy.yaml`). Default: `https://api.intercom.io`.
//!
//! Exits with status 1 if the call fails, 2 on a usage error.

use std::process::ExitCode;

use contact_clients::intercom_legacy::{types, Client, UpdateLeadError};
use contact_clients::runtime::Error;

/// Sends the update and returns the updated lead.
pub async fn run(
    base_url: Option<&str>,
    token: &str,
    lead: &types::UpdateLeadRequest,
) -> Result<types::Lead, Error<UpdateLeadError>> {
    // 1. Configure the client. (The legacy API only answers in JSON when the
    //    request says `Accept: application/json`; the client sends that header
    //    itself, derived from the API description's response media types.)
    let mut builder = Client::builder().bearer_auth(token);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // 2. Call the operation. The body says which lead to update (`id` and/or
    //    `user_id`) and what to change. The client checks the "id or user_id"
    //    rule before sending: a body with neither fails with
    //    `Error::InvalidRequest` and nothing is sent.
    let response = client.update_lead(lead).await?;

    // 3. A 200 is decoded into `types::Lead`; a 401 arrives as `Error::Api`
    //    with the decoded Intercom error list.
    Ok(response.into_body())
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(token) = env("INTERCOM_TOKEN") else {
        eprintln!("usage: INTERCOM_TOKEN=... INTERCOM_LEAD_ID=... and/or INTERCOM_LEAD_USER_ID=... [INTERCOM_EMAIL=...] [INTERCOM_NAME=...] intercom_legacy_update_lead [--base-url URL]");
        return ExitCode::from(2);
    };

    // Identify the lead, then set only the fields to change; fields left as
    // `None` are not sent and keep their value in Intercom.
    let lead = types::UpdateLeadRequest {
        id: env("INTERCOM_LEAD_ID"),
        user_id: env("INTERCOM_LEAD_USER_ID"),
        email: env("INTERCOM_EMAIL"),
        name: env("INTERCOM_NAME"),
        ..Default::default()
    };
    if lead.email.is_none() && lead.name.is_none() {
        eprintln!("nothing to update: set INTERCOM_EMAIL and/or INTERCOM_NAME");
        return ExitCode::from(2);
    }

    match run(base_url().as_deref(), &token, &lead).await {
        Ok(lead) => {
            // The legacy API promises no property of the lead: every one is
            // optional (and the contact details nullable).
            let unknown = "(none)";
            println!(
                "updated lead {} (user_id {}): email {}, name {}",
                lead.id.as_deref().unwrap_or(unknown),
                lead.user_id.as_deref().unwrap_or(unknown),
                lead.email.value().map_or(unknown, String::as_str),
                lead.name
                    .value()
                    .or(lead.pseudonym.as_ref())
                    .map_or(unknown, String::as_str)
            );
            println!(
                "{}",
                serde_json::to_string_pretty(&lead).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            // `Display` never contains the token.
            eprintln!("error: {err}");
            match err {
                Error::Api {
                    body: UpdateLeadError::Unauthorized(_),
                    ..
                } => eprintln!("hint: check INTERCOM_TOKEN"),
                Error::InvalidRequest { .. } => {
                    eprintln!("hint: set INTERCOM_LEAD_ID and/or INTERCOM_LEAD_USER_ID")
                }
                _ => {}
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
