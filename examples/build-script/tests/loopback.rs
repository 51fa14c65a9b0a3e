//! The build-script client against a loopback server: the bytes it sends and
//! what it makes of the answers.

use clientgen_example_build_script::petstore::{
    self, runtime, types, Client, CreatePetError, GetPetError,
};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer("s3cret")
        .build()
        .expect("client")
}

#[tokio::test]
async fn list_get_and_create() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("status", "available"))
        .and(query_param("limit", "10"))
        .and(header("authorization", "Bearer s3cret"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"[{"id":1,"name":"Rex","createdAt":"2024-05-01T10:00:00Z","status":"available","born":"2020-02-29"}]"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/7"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw(r#"{"message":"no pet 7"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::json!({ "name": "Tom", "status": "adopted" })))
        .respond_with(ResponseTemplate::new(201).set_body_raw(
            r#"{"id":2,"name":"Tom","status":"adopted","createdAt":"2024-05-02T08:30:00+02:00","chip":"abc"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = client(&server);

    let names = clientgen_example_build_script::available_names(&client)
        .await
        .expect("list");
    assert_eq!(names, ["Rex"]);

    match client.get_pet(7).await {
        Err(runtime::Error::Api {
            status,
            body: GetPetError::NotFound(problem),
            ..
        }) => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(problem.message, "no pet 7");
        }
        other => panic!("expected the declared 404: {other:?}"),
    }

    let mut new = types::NewPet::new("Tom".into());
    new.status = Some(types::Status::Adopted);
    let created = client.create_pet(&new).await.expect("create");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.id, 2);
    assert_eq!(
        created.extra.get("chip"),
        Some(&serde_json::json!("abc")),
        "undeclared fields are kept"
    );
    let _: Option<CreatePetError> = None;
    let _ = petstore::Server::default();
}
