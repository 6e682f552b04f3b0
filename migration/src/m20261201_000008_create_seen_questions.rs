//! The built-in bank's questions each user has been given, one row per question, so picking the
//! next unseen one reads at most the bank's size, never the user's history.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SeenQuestions::Table)
                    .if_not_exists()
                    .col(string(SeenQuestions::UserId))
                    .col(string(SeenQuestions::BankKey))
                    .col(string(SeenQuestions::Difficulty))
                    .col(big_integer(SeenQuestions::LastChallengeId))
                    .primary_key(
                        Index::create()
                            .col(SeenQuestions::UserId)
                            .col(SeenQuestions::BankKey),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SeenQuestions::Table, SeenQuestions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_seen_questions_user_difficulty")
                    .table(SeenQuestions::Table)
                    .col(SeenQuestions::UserId)
                    .col(SeenQuestions::Difficulty)
                    .col(SeenQuestions::LastChallengeId)
                    .to_owned(),
            )
            .await?;
        // Each question already given, at the difficulty it was last given at.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO seen_questions (user_id, bank_key, difficulty, last_challenge_id) \
                 SELECT c.user_id, c.bank_key, c.difficulty, c.id FROM challenges c \
                 WHERE c.bank_key IS NOT NULL AND c.id = (SELECT MAX(l.id) FROM challenges l \
                   WHERE l.user_id = c.user_id AND l.bank_key = c.bank_key)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SeenQuestions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SeenQuestions {
    Table,
    UserId,
    BankKey,
    Difficulty,
    LastChallengeId,
}
