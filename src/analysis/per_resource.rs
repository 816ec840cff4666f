//! Numbers with one entry per resource (a customer's hours, a segment's hours), read by index in
//! the instance's resource order and written to JSON as an object keyed by resource id.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// One number per resource, in the instance's resource order. Indexing (`hours[r]`), iteration
/// and slicing go through [`std::ops::Deref`] to `[f64]`; JSON gets an object keyed by resource
/// id in instance order, for example `{"sales": 120.0, "service": 40.0}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PerResource {
    /// The resource ids, in instance order; shared by every entry of one plan.
    ids: Arc<[String]>,
    values: Vec<f64>,
}

impl PerResource {
    /// The numbers `values[r]` of the resources `ids[r]`.
    ///
    /// # Panics
    /// When the two lengths differ: a per-resource number without its resource is a bug.
    pub fn new(ids: Arc<[String]>, values: Vec<f64>) -> Self {
        assert_eq!(ids.len(), values.len(), "one number per resource");
        PerResource { ids, values }
    }

    /// The resource ids, in instance order (the keys of the JSON object).
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The number of the resource `id`; `None` when the plan has no such resource.
    pub fn get(&self, id: &str) -> Option<f64> {
        self.ids.iter().position(|known| known == id).map(|r| self.values[r])
    }

    /// `(resource id, number)` pairs in instance order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, f64)> {
        self.ids.iter().map(String::as_str).zip(self.values.iter().copied())
    }
}

impl std::ops::Deref for PerResource {
    type Target = [f64];

    fn deref(&self) -> &[f64] {
        &self.values
    }
}

impl Serialize for PerResource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (id, value) in self.entries() {
            map.serialize_entry(id, &value)?;
        }
        map.end()
    }
}

impl schemars::JsonSchema for PerResource {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PerResource".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "One number per resource, keyed by resource id; the keys are every resource of the instance, in the order of `resource_ids`.",
            "type": "object",
            "additionalProperties": { "type": "number" }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_resource_numbers_serialise_as_an_object_in_instance_order() {
        let ids: Arc<[String]> = ["service".to_string(), "engineering".to_string()].into();
        let hours = PerResource::new(ids, vec![40.0, 120.0]);
        assert_eq!(serde_json::to_string(&hours).unwrap(), r#"{"service":40.0,"engineering":120.0}"#);
        assert_eq!((hours[1], hours.get("service"), hours.get("sales")), (120.0, Some(40.0), None));
    }
}
