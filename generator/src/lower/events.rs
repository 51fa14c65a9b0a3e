//! `text/event-stream` responses: server-sent events whose `data` the
//! media type's schema describes.

use openapiv3::MediaType;

use super::operation::base_media;
use super::Lowerer;
use crate::diagnostic::pointer_join;
use crate::ir::{EventsAlternative, Primitive, ResponseBody, StatusMatch, TypeRef};

pub(super) const EVENT_STREAM: &str = "text/event-stream";

impl Lowerer<'_> {
    /// Takes `text/event-stream` out of a response's media `choices`
    /// (sorted, JSON first). When it was the only choice, the response body
    /// is the event stream; next to JSON (a success response, first one
    /// only), it becomes the operation's [`EventsAlternative`] and the JSON
    /// stays the body.
    pub(super) fn event_stream(
        &mut self,
        choices: &mut Vec<(&String, &MediaType)>,
        status: StatusMatch,
        pointer: &str,
        hint: &str,
        events: &mut Option<EventsAlternative>,
    ) -> Option<ResponseBody> {
        let at = choices
            .iter()
            .position(|(ct, _)| base_media(ct) == EVENT_STREAM)?;
        let (ct, media) = choices.remove(at);
        let media_pointer = pointer_join(&pointer_join(pointer, "content"), ct);
        let data = self.event_data(media, &media_pointer, &format!("{hint}Event"));
        if choices.is_empty() {
            return Some(ResponseBody::Events(data));
        }
        if status.is_success() && events.is_none() {
            *events = Some(EventsAlternative { status, data });
        }
        None
    }

    /// The type of each event's `data`: `None` (text) without a schema or
    /// for a plain string schema.
    fn event_data(
        &mut self,
        media: &MediaType,
        media_pointer: &str,
        hint: &str,
    ) -> Option<TypeRef> {
        let schema = media.schema.as_ref()?;
        match self.type_of(schema, &pointer_join(media_pointer, "schema"), hint) {
            TypeRef::Primitive(Primitive::String) | TypeRef::Any => None,
            t => Some(t),
        }
    }
}
