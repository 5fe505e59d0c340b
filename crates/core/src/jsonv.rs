//! JSON objects for the reports, built without `serde_json::json!`. That macro unwraps
//! `to_value` for every value it interpolates, and the unwrap links serde_json's error
//! formatting (with `Debug` of strings and characters) into the page's WASM: about 4 KB
//! for an error that cannot happen. The reports need only flat objects of values.

/// `serde_json::to_value`, or `null` for a value that cannot be written as JSON (none of
/// the reports' types: their maps have string keys).
pub fn value<T: serde::Serialize + ?Sized>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).unwrap_or(serde_json::Value::Null)
}

/// `object!{"key": expr, …}`: a JSON object of the values (through [`value`]).
#[macro_export]
macro_rules! object {
    ($($key:literal : $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut members = ::serde_json::Map::new();
        $( members.insert(::std::string::String::from($key), $crate::jsonv::value(&$value)); )*
        ::serde_json::Value::Object(members)
    }};
}

#[cfg(test)]
mod tests {
    #[test]
    fn objects_are_what_json_builds() {
        let list = vec!["a", "b"];
        let nested = crate::object! {"n": 1};
        assert_eq!(
            crate::object! {"s": "x", "list": list, "none": Option::<u8>::None, "nested": nested, "t": true},
            serde_json::json!({"s": "x", "list": ["a", "b"], "none": null, "nested": {"n": 1}, "t": true})
        );
        assert_eq!(crate::object! {}, serde_json::json!({}));
        // A map with non-string keys cannot be JSON: null, not a panic.
        let bad: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert_eq!(super::value(&bad), serde_json::Value::Null);
    }
}
