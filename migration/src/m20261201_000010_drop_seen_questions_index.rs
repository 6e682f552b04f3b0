//! Drops the secondary index on seen questions: the primary key (user, key) already finds a
//! user's rows, and every generation writes one, so the index only slowed writes down.

use sea_orm_migration::prelude::*;

const NAME: &str = "idx_seen_questions_user_difficulty";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(SeenQuestions::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(SeenQuestions::Table)
                    .col(SeenQuestions::UserId)
                    .col(SeenQuestions::Difficulty)
                    .col(SeenQuestions::LastChallengeId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SeenQuestions {
    Table,
    UserId,
    Difficulty,
    LastChallengeId,
}
