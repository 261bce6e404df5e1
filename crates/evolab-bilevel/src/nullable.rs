//! Numbers that may be NaN in a stored report. JSON has no NaN, so serde_json writes `null`;
//! reading it back needs `#[serde(deserialize_with = "nullable::f64")]`.

use serde::{Deserialize, Deserializer};

/// A number, or NaN where the report has `null`.
pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Row {
        #[serde(deserialize_with = "super::f64")]
        value: f64,
    }

    #[test]
    fn nan_survives_a_round_trip_through_json() {
        let text = serde_json::to_string(&Row { value: f64::NAN }).unwrap();
        assert_eq!(text, r#"{"value":null}"#);
        let back: Row = serde_json::from_str(&text).unwrap();
        assert!(back.value.is_nan());
        let one: Row = serde_json::from_str(r#"{"value":1.5}"#).unwrap();
        assert_eq!(one.value, 1.5);
    }
}
