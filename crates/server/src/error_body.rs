//! S3's XML error bodies as AWS writes them: the front door reads what s3s or an operation
//! wrote (with quick-xml), gives AWS's own texts where s3s words them differently, adds
//! `<Bucket>`/`<Endpoint>` to a redirect, and ends with this request's `<RequestId>` and
//! `<HostId>`.

use quick_xml::escape::{escape, resolve_xml_entity};
use quick_xml::events::Event;
use quick_xml::Reader;

/// The children of an `<Error>` document, in order, as (element, text); `None` when the body
/// is not one.
pub fn read(xml: &[u8]) -> Option<Vec<(String, String)>> {
    let mut reader = Reader::from_reader(xml);
    let mut fields = Vec::new();
    let mut depth = 0;
    let mut current: Option<(String, String)> = None;
    let mut is_error = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                let name = String::from_utf8(e.name().as_ref().to_vec()).ok()?;
                match depth {
                    1 if name != "Error" => return None,
                    1 => is_error = true,
                    2 => current = Some((name, String::new())),
                    _ => {}
                }
            }
            Event::Empty(e) if depth == 1 => {
                fields.push((
                    String::from_utf8(e.name().as_ref().to_vec()).ok()?,
                    String::new(),
                ));
            }
            Event::Text(t) if depth == 2 => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t.decode().ok()?);
                }
            }
            Event::GeneralRef(r) if depth == 2 => {
                let name = std::str::from_utf8(r.as_ref()).ok()?;
                let resolved = resolve_xml_entity(name).map(str::to_string).or_else(|| {
                    let code = name.strip_prefix('#')?;
                    let n = match code.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => code.parse().ok()?,
                    };
                    char::from_u32(n).map(String::from)
                })?;
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                if depth == 2 {
                    fields.extend(current.take());
                }
                depth -= 1;
            }
            Event::Empty(_) if depth == 0 => return None,
            Event::Eof => break,
            _ => {}
        }
    }
    is_error.then_some(fields)
}

/// The document of `fields`.
pub fn write(fields: &[(String, String)]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
    for (name, text) in fields {
        out.push_str(&format!("<{name}>{}</{name}>", escape(text.as_str())));
    }
    out.push_str("</Error>");
    out
}

/// AWS's own texts for the errors s3s words differently.
fn aws_message(code: &str) -> Option<&'static str> {
    match code {
        "SignatureDoesNotMatch" => Some("The request signature we calculated does not match the signature you provided. Check your key and signing method."),
        "RequestTimeTooSkewed" => Some("The difference between the request time and the current time is too large."),
        _ => None,
    }
}

/// `fields` as AWS sends them for this request: AWS's message, the redirect's bucket and
/// endpoint, then this request's ids (any others dropped).
pub fn as_aws(
    mut fields: Vec<(String, String)>,
    request_id: &str,
    host_id: &str,
    redirect: Option<(&str, &str)>,
) -> Vec<(String, String)> {
    fields.retain(|(name, _)| name != "RequestId" && name != "HostId");
    let code = field(&fields, "Code").unwrap_or_default().to_string();
    if let Some(text) = aws_message(&code) {
        match fields.iter_mut().find(|(name, _)| name == "Message") {
            Some((_, message)) => *message = text.to_string(),
            None => {
                let at = fields
                    .iter()
                    .position(|(n, _)| n == "Code")
                    .map_or(0, |i| i + 1);
                fields.insert(at, ("Message".into(), text.into()));
            }
        }
    }
    if let Some((bucket, endpoint)) = redirect {
        fields.push(("Bucket".into(), bucket.into()));
        fields.push(("Endpoint".into(), endpoint.into()));
    }
    fields.push(("RequestId".into(), request_id.into()));
    fields.push(("HostId".into(), host_id.into()));
    fields
}

/// The text of the first element `name`.
pub fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, text)| text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rewrites_and_writes_error_bodies() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message>x &amp; y</Message><RequestId>old</RequestId></Error>";
        let fields = read(body).unwrap();
        assert_eq!(field(&fields, "Message"), Some("x & y"));
        let fields = as_aws(fields, "REQ", "HOST", Some(("b<1", "127.0.0.1:9000")));
        assert!(field(&fields, "Message")
            .unwrap()
            .starts_with("The request signature"));
        let text = write(&fields);
        assert!(text.ends_with("<Bucket>b&lt;1</Bucket><Endpoint>127.0.0.1:9000</Endpoint><RequestId>REQ</RequestId><HostId>HOST</HostId></Error>"), "{text}");
        assert_eq!(text.matches("<RequestId>").count(), 1);
        let skewed = as_aws(
            read(b"<Error><Code>RequestTimeTooSkewed</Code></Error>").unwrap(),
            "R",
            "H",
            None,
        );
        assert_eq!(skewed[1].0, "Message");
        assert!(read(b"<ListBucketResult/>").is_none());
        assert!(read(b"<ListBucketResult><Name>b</Name></ListBucketResult>").is_none());
        assert!(read(b"not xml at all").is_none());
    }
}
