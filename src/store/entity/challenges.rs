//! A challenge generated for a user.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "challenges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: String,
    pub difficulty: String,
    pub topic: Option<String>,
    /// The question, then a blank line and the code when there is code.
    pub title: String,
    /// The question alone.
    pub question: String,
    pub code: Option<String>,
    /// The language of the code (`python`, `cpp`…), or null.
    pub language: Option<String>,
    /// `executed`, `reviewed`, `cross_checked` or `unchecked`.
    pub verification: String,
    /// The four options, as a JSON array of strings.
    pub options: String,
    pub correct_answer_id: i32,
    pub explanation: String,
    /// The built-in bank key, so the bank can avoid repeats.
    pub bank_key: Option<String>,
    pub created_at: DateTimeUtc,
    /// `unanswered`, `correct` or `wrong`: kept beside the answer so history can filter on it
    /// through an index.
    pub outcome: String,
}

impl ActiveModelBehavior for ActiveModel {}
