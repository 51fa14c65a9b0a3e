//! Server URL variables on the wire: the client built from a declared server
//! calls the URL filled in with the variables set on the builder (an enum
//! variable through its `Other` escape, a free-form one), and the server's
//! own defaults for the rest.

mod api {
    include!(concat!(env!("OUT_DIR"), "/server_variables.rs"));
}

use api::server_variables::Port;
use api::{Client, Server};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn port(server: &MockServer) -> String {
    server.address().port().to_string()
}

#[tokio::test]
async fn url_is_built_from_set_variables() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/ping"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .server(Server::LocalMock)
        .port(Port::Other(port(&server)))
        .base_path("v2")
        .build()
        .expect("client");
    client.ping().await.expect("ping");
}

#[tokio::test]
async fn unset_variables_take_the_servers_default() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // Set before choosing the server: the order of builder calls is free.
    let client = Client::builder()
        .port(Port::Other(port(&server)))
        .server(Server::LocalMock)
        .build()
        .expect("client");
    client.ping().await.expect("ping");
}

#[tokio::test]
async fn base_url_overrides_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_path("v2")
        .base_url(server.uri())
        .build()
        .expect("client");
    client.ping().await.expect("ping");
}

#[test]
fn declared_values_and_defaults() {
    assert_eq!(Port::V8443.as_str(), "8443");
    assert_eq!(Port::Other("9".into()).as_str(), "9");
    assert_eq!(Server::default(), Server::RegionalProduction);
    assert_eq!(api::DEFAULT_BASE_URL, "https://us.api.example.com:443/v1");
    assert_eq!(Server::Sandbox.url(), "https://eu.sandbox.example.com/t");
}
