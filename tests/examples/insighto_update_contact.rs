//! # Update an Insighto contact (`PUT /api/v1/contact/{contact_id}`)
//!
//! Changes the name and/or email of an existing Insighto contact with the
//! generated client `contact_clients::insighto`, and prints the contact data
//! Insighto returns.
//!
//! ```sh
//! INSIGHTO_API_KEY=in-... \
//! INSIGHTO_CONTACT_ID=3c90c3cc-0d44-4b50-8888-8dd25736052a \
//! INSIGHTO_FIRST_NAME=Ada INSIGHTO_LAST_NAME=Lovelace \
//!   cargo run -p contact-tests --example insighto_update_contact
//! ```
//!
//! * `INSIGHTO_API_KEY` (required): an Insighto API key (starts with `in-`), sent
//!   in the `api_key` query parameter.
//! * `INSIGHTO_CONTACT_ID` (required): the contact's id, a UUID.
//! * `INSIGHTO_FIRST_NAME`, `INSIGHTO_LAST_NAME`, `INSIGHTO_EMAIL`: the fields to
//!   change (at least one). The value `null` clears the field.
//! * `--base-url <url>` or `BASE_URL`: another server, e.g. a mock
//!   (`npx prism mock specs/insighto.yaml`). Default: `https://api.insighto.ai`.
//!
//! Exits with status 1 if the call fails, 2 on a usage error.

use std::process::ExitCode;

use contact_clients::insighto::{types, Client, UpdateContactByIdError};
use contact_clients::runtime::{Error, Maybe};

/// Sends the update and returns Insighto's response envelope
/// (`message`, `meta` and the updated contact in `data`).
pub async fn run(
    base_url: Option<&str>,
    api_key: &str,
    contact_id: uuid::Uuid,
    changes: &types::ContactUpdate,
) -> Result<types::ContactUpdateResponse, Error<UpdateContactByIdError>> {
    // 1. Configure the client: the API key goes into the `api_key` query
    //    parameter of every request (it is redacted from error messages).
    let mut builder = Client::builder().api_key_auth(api_key);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // 2. Call the operation. The contact id is typed as a UUID, so a malformed
    //    id is rejected when parsing it, before any request is made.
    let response = client.update_contact_by_id(contact_id, changes).await?;

    // 3. A 200 is decoded into `types::ContactUpdateResponse`; a 422 arrives as
    //    `Error::Api` with the decoded `HttpValidationError`.
    Ok(response.into_body())
}

#[tokio::main]
async fn main() -> ExitCode {
    let (Some(api_key), Some(contact_id)) = (env("INSIGHTO_API_KEY"), env("INSIGHTO_CONTACT_ID"))
    else {
        eprintln!("usage: INSIGHTO_API_KEY=in-... INSIGHTO_CONTACT_ID=<uuid> [INSIGHTO_FIRST_NAME=...] [INSIGHTO_LAST_NAME=...] [INSIGHTO_EMAIL=...] insighto_update_contact [--base-url URL]");
        return ExitCode::from(2);
    };
    if !api_key.starts_with("in-") {
        eprintln!("warning: Insighto API keys start with `in-`");
    }
    let contact_id = match contact_id.parse::<uuid::Uuid>() {
        Ok(id) => id,
        Err(err) => {
            eprintln!("INSIGHTO_CONTACT_ID is not a UUID: {err}");
            return ExitCode::from(2);
        }
    };

    // Every field is optional *and* nullable, hence `Maybe`: `Absent` (the
    // default) is not sent and leaves the field unchanged, `Null` sends `null`
    // to clear it, `Value` sets it.
    let field = |name: &str| match env(name) {
        None => Maybe::Absent,
        Some(v) if v == "null" => Maybe::Null,
        Some(v) => Maybe::Value(v),
    };
    let changes = types::ContactUpdate {
        first_name: field("INSIGHTO_FIRST_NAME"),
        last_name: field("INSIGHTO_LAST_NAME"),
        email: field("INSIGHTO_EMAIL"),
        ..Default::default()
    };
    if changes == types::ContactUpdate::default() {
        eprintln!(
            "nothing to update: set INSIGHTO_FIRST_NAME, INSIGHTO_LAST_NAME and/or INSIGHTO_EMAIL"
        );
        return ExitCode::from(2);
    }

    match run(base_url().as_deref(), &api_key, contact_id, &changes).await {
        Ok(response) => {
            println!(
                "{}",
                response.message.value().map_or("updated", String::as_str)
            );
            println!(
                "{}",
                serde_json::to_string_pretty(&response).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            // `Display` never contains the API key (nor the query string).
            eprintln!("error: {err}");
            if let Error::Api {
                body: UpdateContactByIdError::UnprocessableEntity(details),
                ..
            } = &err
            {
                // Each problem names where it is (`["body", "org_id"]`) and why.
                for problem in details.detail.iter().flatten() {
                    let location: Vec<String> = problem
                        .loc
                        .iter()
                        .flatten()
                        .map(|part| match part {
                            types::ValidationErrorLocItem::String(s) => s.clone(),
                            types::ValidationErrorLocItem::Integer(i) => i.to_string(),
                        })
                        .collect();
                    let why = problem.msg.as_deref().unwrap_or("(no message)");
                    eprintln!("  {}: {why}", location.join("."));
                }
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
