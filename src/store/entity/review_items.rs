//! A review item: the FSRS card of a challenge whose first answer was wrong.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub challenge_id: i64,
    pub user_id: String,
    /// When the item is next due; null once it is retired.
    pub due_at: Option<DateTimeUtc>,
    /// Reviews recorded; also the version a review is accepted against.
    pub reviews: i32,
    /// Correct reviews in a row.
    pub correct_streak: i32,
    pub last_correct: Option<bool>,
    pub last_reviewed_at: Option<DateTimeUtc>,
    // The rest is the FSRS card, as `rs-fsrs` describes it.
    pub stability: f64,
    pub fsrs_difficulty: f64,
    pub elapsed_days: i64,
    pub scheduled_days: i64,
    pub reps: i32,
    pub lapses: i32,
    pub state: i16,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<Entity> for super::challenges::Entity {
    fn to() -> RelationDef {
        super::challenges::Entity::belongs_to(Entity)
            .from(super::challenges::Column::Id)
            .to(Column::ChallengeId)
            .into()
    }
}
