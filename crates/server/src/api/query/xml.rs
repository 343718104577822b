//! Writing a Query API answer: `<ActionResponse><ActionResult>...</ActionResult>
//! <ResponseMetadata>` with elements escaped, lists as `<member>` entries.

pub struct Xml {
    out: String,
    /// Write `<ActionResult/>` even when empty (UpdateRole's answer has one; boto3 needs it).
    result_always: bool,
}

impl Xml {
    pub fn new() -> Xml {
        Xml {
            out: String::new(),
            result_always: false,
        }
    }

    /// An answer whose (empty) result element is part of the API's shape.
    pub fn empty_result() -> Xml {
        Xml {
            result_always: true,
            ..Xml::new()
        }
    }

    pub fn el(&mut self, name: &str, value: &str) -> &mut Xml {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out.push_str(&xml_escape(value));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Text in the current element, escaped.
    pub fn text(&mut self, value: &str) -> &mut Xml {
        self.out.push_str(&xml_escape(value));
        self
    }

    pub fn opt(&mut self, name: &str, value: Option<&str>) -> &mut Xml {
        if let Some(v) = value {
            self.el(name, v);
        }
        self
    }

    pub fn open(&mut self, name: &str) -> &mut Xml {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Xml {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// `<name><member>…</member>…</name>`, each member written by `each`.
    pub fn members<T>(
        &mut self,
        name: &str,
        items: &[T],
        mut each: impl FnMut(&mut Xml, &T),
    ) -> &mut Xml {
        self.open(name);
        for item in items {
            self.open("member");
            each(self, item);
            self.close("member");
        }
        self.close(name)
    }

    /// The whole answer to `action` in `namespace`, this builder's text as its result.
    pub fn answer(self, action: &str, namespace: &str, request_id: &str) -> String {
        let result = if self.out.is_empty() && !self.result_always {
            String::new()
        } else {
            format!("<{action}Result>{}</{action}Result>", self.out)
        };
        format!(
            "<{action}Response xmlns=\"{namespace}\">{result}<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
        )
    }
}

impl Default for Xml {
    fn default() -> Self {
        Xml::new()
    }
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
