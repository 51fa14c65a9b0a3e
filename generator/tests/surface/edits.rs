//! The edit table: one spec change per row, applied to
//! `tests/surface/contacts.yaml`, with the classification it must get.

use clientgen::surface::{Class, Effect};
use serde_json::{json, Value};

use Class::{Additive as Add, Breaking as Brk, Docs};
use Effect::{Additive as A, Breaking as B, None as N};

/// What cargo-semver-checks is expected to say about a row's Rust API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Semver {
    /// It reports a major-level lint.
    Major,
    /// It reports nothing major.
    Clean,
}

pub struct Edit {
    pub name: &'static str,
    /// Applied to both sides first, when the row needs a different base.
    pub setup: Option<fn(&mut Value)>,
    pub apply: fn(&mut Value),
    /// `None`: the public API does not change at all (identical API file).
    pub class: Option<Class>,
    /// Strongest effect over the row's changes, for Rust callers and on the wire.
    pub rust: Effect,
    pub wire: Effect,
    /// A Rust name the report must mention.
    pub subject: &'static str,
    /// cargo-semver-checks' expected verdict, where it differs from "our Rust
    /// view is breaking ⇔ Major" the row says why in `semver_note`.
    pub semver: Semver,
    pub semver_note: &'static str,
}

fn ptr<'v>(v: &'v mut Value, pointer: &str) -> &'v mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the base spec"))
}

/// Sets `key` in the object at `pointer`.
fn set(v: &mut Value, pointer: &str, key: &str, value: Value) {
    ptr(v, pointer)
        .as_object_mut()
        .expect("an object")
        .insert(key.to_string(), value);
}

fn remove(v: &mut Value, pointer: &str, key: &str) {
    ptr(v, pointer)
        .as_object_mut()
        .expect("an object")
        .shift_remove(key)
        .unwrap_or_else(|| panic!("no {key} in {pointer}"));
}

fn push(v: &mut Value, pointer: &str, value: Value) {
    ptr(v, pointer)
        .as_array_mut()
        .expect("an array")
        .push(value);
}

/// Renames a component schema and every `$ref` to it.
fn rename_schema(v: &mut Value, from: &str, to: &str) {
    let schemas = ptr(v, "/components/schemas")
        .as_object_mut()
        .expect("schemas");
    let s = schemas.shift_remove(from).expect("schema exists");
    schemas.insert(to.to_string(), s);
    let (old, new) = (
        format!("#/components/schemas/{from}"),
        format!("#/components/schemas/{to}"),
    );
    fn walk(v: &mut Value, old: &str, new: &str) {
        match v {
            Value::String(s) if s == old => *s = new.to_string(),
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, old, new)),
            Value::Object(o) => o.values_mut().for_each(|x| walk(x, old, new)),
            _ => {}
        }
    }
    walk(v, &old, &new);
}

const CONTACT: &str = "/components/schemas/Contact";
const UPDATE: &str = "/components/schemas/UpdateContact";
const GET: &str = "/paths/~1contacts~1{id}/get";
const PUT: &str = "/paths/~1contacts~1{id}/put";

fn json_ref(name: &str) -> Value {
    json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}})
}

macro_rules! edit {
    ($name:expr, $class:expr, $rust:expr, $wire:expr, $subject:expr, $semver:expr, $note:expr, $f:expr) => {
        Edit {
            name: $name,
            setup: None,
            apply: $f,
            class: $class,
            rust: $rust,
            wire: $wire,
            subject: $subject,
            semver: $semver,
            semver_note: $note,
        }
    };
}

/// Every operation declares an optional `X-Api-Version` header with this
/// default: the generator makes it a client-level setting.
fn api_version_header(v: &mut Value, default: &str) {
    let paths = ptr(v, "/paths").as_object_mut().expect("paths");
    for item in paths.values_mut() {
        for op in item.as_object_mut().expect("path item").values_mut() {
            let params = op
                .as_object_mut()
                .expect("operation")
                .entry("parameters")
                .or_insert_with(|| json!([]));
            let list = params.as_array_mut().expect("parameters");
            list.retain(|p| p["name"] != "X-Api-Version");
            list.push(json!({"name": "X-Api-Version", "in": "header", "schema": {"type": "string", "default": default}}));
        }
    }
}
use Semver::{Clean, Major};

/// The table. Row names double as module names in the cargo-semver-checks
/// cross-check.
pub fn edits() -> Vec<Edit> {
    vec![
        edit!("remove_operation", Some(Brk), B, B, "Client::list_contacts", Major, "", |v| {
            remove(v, "/paths", "/contacts")
        }),
        edit!("add_operation", Some(Add), A, N, "Client::delete_contact", Clean, "", |v| {
            set(v, "/paths/~1contacts~1{id}", "delete", json!({"operationId": "deleteContact", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"204": {"description": "Deleted."}}}))
        }),
        edit!("rename_operation", Some(Brk), B, N, "Client::fetch_contact", Major, "", |v| {
            set(v, GET, "operationId", json!("fetchContact"))
        }),
        edit!("make_request_field_required", Some(Brk), B, B, "UpdateContact.email", Clean,
            "no lint for a field type change (`Option<String>` → `String`) nor for the lost `Default` derive", |v| {
            set(v, UPDATE, "required", json!(["email"]))
        }),
        edit!("response_field_required_to_optional", Some(Brk), B, B, "Contact.email", Major,
            "`String` → `Option<String>` has no lint, but `Contact::new` loses an argument", |v| {
            set(v, CONTACT, "required", json!(["id", "role"]))
        }),
        edit!("widen_integer_in_request", Some(Brk), B, N, "UpdateContact.owner_id", Clean,
            "`i32` → `i64` is a type change: no lint", |v| {
            set(v, &format!("{UPDATE}/properties/owner_id"), "format", json!("int64"))
        }),
        edit!("widen_integer_in_response", Some(Brk), B, B, "Contact.owner_id", Clean,
            "type change: no lint", |v| {
            set(v, &format!("{CONTACT}/properties/owner_id"), "format", json!("int64"))
        }),
        edit!("add_enum_value", Some(Add), A, N, "Role.Admin", Clean, "", |v| {
            push(v, "/components/schemas/Role/enum", json!("admin"))
        }),
        edit!("remove_enum_value", Some(Brk), B, B, "Role.Lead", Major, "", |v| {
            set(v, "/components/schemas/Role", "enum", json!(["user", "visitor"]))
        }),
        edit!("enum_down_to_one_value", Some(Brk), B, B, "Role", Major,
            "", |v| {
            // A one-value enum is a constant: emitted as a `String` alias.
            set(v, "/components/schemas/Role", "enum", json!(["user"]))
        }),
        edit!("rename_enum_value", Some(Brk), N, B, "Role.Lead", Clean, "", |v| {
            set(v, "/components/schemas/Role", "enum", json!(["user", "Lead", "visitor"]))
        }),
        edit!("rename_schema", Some(Brk), B, N, "ApiError", Major, "", |v| rename_schema(v, "Error", "ApiError")),
        edit!("change_field_description", Some(Docs), N, N, "Contact.email", Clean, "", |v| {
            set(v, &format!("{CONTACT}/properties/email"), "description", json!("Where we write to."))
        }),
        edit!("change_operation_summary", Some(Docs), N, N, "Client::get_contact", Clean, "", |v| {
            set(v, GET, "summary", json!("Fetch one contact"))
        }),
        edit!("change_example", None, N, N, "", Clean, "", |v| {
            set(v, CONTACT, "example", json!({"id": "c2", "email": "b@example.com", "role": "lead"}))
        }),
        edit!("add_optional_query_param", Some(Add), A, N, "list_contacts(cursor)", Clean, "", |v| {
            push(v, "/paths/~1contacts/get/parameters", json!({"name": "cursor", "in": "query", "schema": {"type": "string"}}))
        }),
        edit!("make_query_param_required", Some(Brk), B, B, "get_contact(include)", Major, "", |v| {
            set(v, &format!("{GET}/parameters/1"), "required", json!(true))
        }),
        edit!("add_required_query_param", Some(Brk), B, B, "list_contacts(cursor)", Major, "", |v| {
            push(v, "/paths/~1contacts/get/parameters", json!({"name": "cursor", "in": "query", "required": true, "schema": {"type": "string"}}))
        }),
        edit!("move_param_query_to_header", Some(Brk), N, B, "get_contact(include)", Clean, "", |v| {
            set(v, &format!("{GET}/parameters/1"), "in", json!("header"))
        }),
        edit!("swap_path_param_order", Some(Brk), B, N, "get_member(org)", Clean,
            "both arguments change type (`impl Into<String>` ↔ `i64`): no lint for argument types", |v| {
            let params = ptr(v, "/paths/~1orgs~1{org}~1members~1{member}/get/parameters").as_array_mut().expect("array");
            params.swap(0, 1);
        }),
        edit!("change_success_type", Some(Brk), B, B, "get_contact response", Clean,
            "a return type change has no lint", |v| {
            set(v, "/components/schemas", "ContactSummary", json!({"type": "object", "properties": {"id": {"type": "string"}}}));
            set(v, &format!("{GET}/responses"), "200", { let mut r = json_ref("ContactSummary"); r["description"] = json!("A summary."); r })
        }),
        edit!("change_success_status", Some(Brk), N, B, "update_contact response", Clean, "", |v| {
            let r = ptr(v, &format!("{PUT}/responses")).as_object_mut().expect("responses").shift_remove("200").expect("200");
            set(v, &format!("{PUT}/responses"), "201", r)
        }),
        edit!("add_error_response", Some(Add), A, N, "get_contact TooManyRequests", Clean, "", |v| {
            set(v, &format!("{GET}/responses"), "429", { let mut r = json_ref("Error"); r["description"] = json!("Slow down."); r })
        }),
        edit!("remove_error_response", Some(Brk), B, N, "update_contact UnprocessableEntity", Major, "", |v| {
            remove(v, &format!("{PUT}/responses"), "422")
        }),
        edit!("add_server", Some(Add), A, N, "Server::", Clean, "", |v| {
            push(v, "/servers", json!({"url": "https://eu.api.example.com/v1", "description": "Europe"}))
        }),
        edit!("change_default_server_url", Some(Brk), N, B, "DEFAULT_BASE_URL", Clean, "", |v| {
            set(v, "/servers/0", "url", json!("https://api.example.com/v2"))
        }),
        edit!("change_auth_scheme", Some(Brk), N, B, "ClientBuilder::bearer_auth", Clean, "", |v| {
            set(v, "/components/securitySchemes", "bearerAuth", json!({"type": "apiKey", "in": "header", "name": "X-API-Key"}))
        }),
        edit!("add_optional_request_field", Some(Add), A, N, "UpdateContact.nickname", Major,
            "constructible_struct_adds_field: strict Cargo SemVer counts a new pub field as breaking (our `--strict`)", |v| {
            set(v, &format!("{UPDATE}/properties"), "nickname", json!({"type": "string"}))
        }),
        edit!("add_required_request_field", Some(Brk), B, B, "UpdateContact.source", Major, "", |v| {
            set(v, &format!("{UPDATE}/properties"), "source", json!({"type": "string"}));
            set(v, UPDATE, "required", json!(["source"]))
        }),
        edit!("add_optional_response_field", Some(Add), A, N, "Contact.company", Major,
            "constructible_struct_adds_field (strict SemVer)", |v| {
            set(v, &format!("{CONTACT}/properties"), "company", json!({"type": "string"}))
        }),
        edit!("remove_optional_response_field", Some(Brk), B, N, "Contact.name", Major, "", |v| {
            remove(v, &format!("{CONTACT}/properties"), "name")
        }),
        edit!("remove_required_response_field", Some(Brk), B, B, "Contact.role", Major, "", |v| {
            remove(v, &format!("{CONTACT}/properties"), "role");
            set(v, CONTACT, "required", json!(["id", "email"]))
        }),
        edit!("change_field_string_to_integer", Some(Brk), B, B, "Contact.name", Clean, "type change: no lint", |v| {
            set(v, &format!("{CONTACT}/properties"), "name", json!({"type": "integer"}))
        }),
        edit!("make_response_field_nullable", Some(Brk), B, B, "Contact.email", Major, "`Contact::new` loses an argument", |v| {
            set(v, &format!("{CONTACT}/properties/email"), "nullable", json!(true))
        }),
        edit!("change_field_wire_name", Some(Brk), N, B, "UpdateContact.owner_id", Clean, "", |v| {
            let props = ptr(v, &format!("{UPDATE}/properties")).as_object_mut().expect("properties");
            let s = props.shift_remove("owner_id").expect("owner_id");
            props.insert("ownerId".to_string(), s);
        }),
        // The first segment stays: it names the operation's cargo feature
        // (the spec has no tags), and changing it would remove `path-orgs`.
        edit!("change_route", Some(Brk), N, B, "Client::get_member", Clean, "", |v| {
            let paths = ptr(v, "/paths").as_object_mut().expect("paths");
            let item = paths.shift_remove("/orgs/{org}/members/{member}").expect("path");
            paths.insert("/orgs/{org}/people/{member}".to_string(), item);
        }),
        edit!("change_method", Some(Brk), N, B, "Client::update_contact", Clean, "", |v| {
            let item = ptr(v, "/paths/~1contacts~1{id}").as_object_mut().expect("path item");
            let op = item.shift_remove("put").expect("put");
            item.insert("patch".to_string(), op);
        }),
        edit!("add_tagged_union_variant", Some(Add), A, N, "Pet.Bird", Clean, "", |v| {
            set(v, "/components/schemas", "Bird", json!({"type": "object", "required": ["petType"], "properties": {"petType": {"type": "string"}}}));
            push(v, "/components/schemas/Pet/oneOf", json!({"$ref": "#/components/schemas/Bird"}));
            set(v, "/components/schemas/Pet/discriminator/mapping", "bird", json!("#/components/schemas/Bird"))
        }),
        edit!("add_untagged_union_variant", Some(Brk), B, B, "Shape.Triangle", Major, "", |v| {
            set(v, "/components/schemas", "Triangle", json!({"type": "object", "required": ["base"], "properties": {"base": {"type": "number"}}}));
            push(v, "/components/schemas/Shape/oneOf", json!({"$ref": "#/components/schemas/Triangle"}))
        }),
        edit!("make_request_body_optional", Some(Brk), B, N, "update_contact(body)", Major, "", |v| {
            set(v, &format!("{PUT}/requestBody"), "required", json!(false))
        }),
        edit!("deprecate_operation", Some(Docs), N, N, "Client::get_contact", Clean, "", |v| {
            set(v, GET, "deprecated", json!(true))
        }),
        edit!("change_api_version", Some(Docs), N, N, "module api", Clean, "", |v| {
            set(v, "/info", "version", json!("1.1"))
        }),
        edit!("mark_response_field_read_only", Some(Brk), B, N, "Contact.id", Major,
            "", |v| {
            // Lowering makes a required read-only field optional (requests
            // leave it out): `String` → `Option<String>`, `Contact::new` loses an argument.
            set(v, &format!("{CONTACT}/properties/id"), "readOnly", json!(true))
        }),
        edit!("change_parameter_description", Some(Docs), N, N, "get_contact(include)", Clean, "", |v| {
            set(v, &format!("{GET}/parameters/1"), "description", json!("What to embed."))
        }),
        edit!("add_client_setting", Some(Add), A, N, "ClientBuilder::x_api_version", Clean, "", |v| {
            api_version_header(v, "1")
        }),
        Edit {
            setup: Some(|v| api_version_header(v, "1")),
            ..edit!("change_client_setting_default", Some(Brk), N, B, "ClientBuilder::x_api_version", Clean, "", |v| {
                api_version_header(v, "2")
            })
        },
    ]
}
