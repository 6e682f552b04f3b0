//! Per-user, per-difficulty counts of generated, answered and correct challenges, kept in the
//! same transactions as the challenges and answers they count, so stats never scan a history.

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
                    .table(ChallengeTallies::Table)
                    .if_not_exists()
                    .col(string(ChallengeTallies::UserId))
                    .col(string(ChallengeTallies::Difficulty))
                    .col(big_integer(ChallengeTallies::Generated).default(0))
                    .col(big_integer(ChallengeTallies::Answered).default(0))
                    .col(big_integer(ChallengeTallies::Correct).default(0))
                    .primary_key(
                        Index::create()
                            .col(ChallengeTallies::UserId)
                            .col(ChallengeTallies::Difficulty),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ChallengeTallies::Table, ChallengeTallies::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The counts of the challenges already stored.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO challenge_tallies (user_id, difficulty, generated, answered, correct) \
                 SELECT c.user_id, c.difficulty, COUNT(*), COUNT(a.challenge_id), \
                        SUM(CASE WHEN a.correct THEN 1 ELSE 0 END) \
                 FROM challenges c LEFT JOIN answers a ON a.challenge_id = c.id \
                 GROUP BY c.user_id, c.difficulty",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChallengeTallies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ChallengeTallies {
    Table,
    UserId,
    Difficulty,
    Generated,
    Answered,
    Correct,
}
