//! # Update an Intercom contact through Paragon ActionKit
//!
//! Runs Paragon's `INTERCOM_UPDATE_CONTACT` tool (`POST
//! /projects/{project_id}/tools/`) for a connected user with the generated
//! client `contact_clients::paragon`, and prints what the tool returned.
//! Paragon then updates the contact in the user's own Intercom workspace.
//!
//! ```sh
//! PARAGON_USER_TOKEN=<Paragon User Token (JWT)> \
//! PARAGON_PROJECT_ID=<project id> \
//! INTERCOM_CONTACT_ID=650cbc286d0a728750658b15 \
//! INTERCOM_EMAIL=joebloggs@intercom.io INTERCOM_ROLE=user \
//!   cargo run -p contact-tests --example paragon_update_contact
//! ```
//!
//! * `PARAGON_USER_TOKEN` (required): a Paragon User Token, a JWT signed with
//!   your project's signing key; it says which connected user acts.
//! * `PARAGON_PROJECT_ID` (required): your Paragon project id.
//! * `INTERCOM_CONTACT_ID` (required): the Intercom contact to update.
//! * `INTERCOM_EMAIL`, `INTERCOM_NAME`, `INTERCOM_ROLE` (`user` or `lead`): the
//!   fields to change (at least one).
//! * `--base-url <url>` or `BASE_URL`: another server, e.g. a mock server (the
//!   contract tests run this against Prism). Default:
//!   `https://actionkit.useparagon.com`.
//!
//! Exits with status 1 if the call fails, 2 on a usage error.

use std::process::ExitCode;

use contact_clients::paragon::{types, Client, IntercomUpdateContactError};
use contact_clients::runtime::{Error, RawBody};

/// Runs the tool and returns its raw output. The API description declares the
/// 200 response without a body schema, so the client does not decode it.
pub async fn run(
    base_url: Option<&str>,
    user_token: &str,
    project_id: &str,
    parameters: types::IntercomUpdateContactRequestParameters,
) -> Result<RawBody, Error<IntercomUpdateContactError>> {
    // 1. Configure the client with the Paragon User Token (bearer auth).
    let mut builder = Client::builder().bearer_auth(user_token);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // 2. Wrap the tool's parameters in the request body. `new` fills `tool`
    //    with its default, "INTERCOM_UPDATE_CONTACT".
    let body = types::IntercomUpdateContactRequest::new(parameters);

    // 3. Call the operation. Any status other than 200 arrives as
    //    `Error::UnexpectedStatus` with the response body as text.
    let response = client.intercom_update_contact(project_id, &body).await?;
    Ok(response.into_body())
}

#[tokio::main]
async fn main() -> ExitCode {
    let (Some(user_token), Some(project_id), Some(contact_id)) = (
        env("PARAGON_USER_TOKEN"),
        env("PARAGON_PROJECT_ID"),
        env("INTERCOM_CONTACT_ID"),
    ) else {
        eprintln!("usage: PARAGON_USER_TOKEN=... PARAGON_PROJECT_ID=... INTERCOM_CONTACT_ID=... [INTERCOM_EMAIL=...] [INTERCOM_NAME=...] [INTERCOM_ROLE=user|lead] paragon_update_contact [--base-url URL]");
        return ExitCode::from(2);
    };

    // The tool's parameters: `contactId` is required, every other field is
    // optional and only sent when set.
    let mut parameters = types::IntercomUpdateContactRequestParameters::new(contact_id);
    parameters.email = env("INTERCOM_EMAIL");
    parameters.name = env("INTERCOM_NAME");
    // `role` is an enum; `From<String>` maps "user"/"lead" to its variants
    // (anything else becomes `Unknown`, which Paragon would reject).
    parameters.role =
        env("INTERCOM_ROLE").map(types::IntercomUpdateContactRequestParametersRole::from);
    if parameters.email.is_none() && parameters.name.is_none() && parameters.role.is_none() {
        eprintln!("nothing to update: set INTERCOM_EMAIL, INTERCOM_NAME and/or INTERCOM_ROLE");
        return ExitCode::from(2);
    }

    match run(base_url().as_deref(), &user_token, &project_id, parameters).await {
        Ok(output) => {
            // Usually JSON (the updated Intercom contact); printed as is.
            let text = output.text();
            println!(
                "{}",
                if text.is_empty() {
                    "updated (empty response)"
                } else {
                    &text
                }
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            // `Display` never contains the token.
            eprintln!("error: {err}");
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
