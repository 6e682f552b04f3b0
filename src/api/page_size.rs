//! The `limit` of a page (history, due reviews), bounded by the domain's page size.

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromParameter, ParseResult, Type},
};

use crate::domain::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// How many challenges a page holds: 1 to [`MAX_PAGE_SIZE`], `DEFAULT` when absent. The schema
/// and the check both come from those constants.
#[derive(Clone, Copy, Debug)]
pub struct PageSize<const DEFAULT: u64 = DEFAULT_PAGE_SIZE>(pub u64);

impl<const DEFAULT: u64> Type for PageSize<DEFAULT> {
    const IS_REQUIRED: bool = false;

    type RawValueType = u64;

    type RawElementValueType = u64;

    fn name() -> Cow<'static, str> {
        "integer(uint64)".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            default: Some(DEFAULT.into()),
            minimum: Some(1.0),
            maximum: Some(MAX_PAGE_SIZE as f64),
            ..MetaSchema::new_with_format("integer", "uint64")
        }))
    }

    fn as_raw_value(&self) -> Option<&u64> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a u64> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<const DEFAULT: u64> ParseFromParameter for PageSize<DEFAULT> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        match value.parse::<u64>() {
            Ok(size) if (1..=MAX_PAGE_SIZE).contains(&size) => Ok(Self(size)),
            _ => Err(ParseError::custom(format!(
                "expected a page size from 1 to {MAX_PAGE_SIZE}"
            ))),
        }
    }

    fn parse_from_parameters<I: IntoIterator<Item = A>, A: AsRef<str>>(
        values: I,
    ) -> ParseResult<Self> {
        match values.into_iter().next() {
            Some(value) => Self::parse_from_parameter(value.as_ref()),
            None => Ok(Self(DEFAULT)),
        }
    }
}
