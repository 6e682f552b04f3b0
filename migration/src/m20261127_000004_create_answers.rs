//! A user's first answer to each of their challenges.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000003_create_challenges::Challenges;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Answers::Table)
                    .if_not_exists()
                    .col(big_integer(Answers::ChallengeId).primary_key())
                    .col(string(Answers::UserId))
                    .col(integer(Answers::SelectedAnswerId))
                    .col(boolean(Answers::Correct))
                    .col(timestamp_with_time_zone(Answers::AnsweredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Answers::Table, Answers::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Answers::Table, Answers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_answers_user_id")
                    .table(Answers::Table)
                    .col(Answers::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Answers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Answers {
    Table,
    ChallengeId,
    UserId,
    SelectedAnswerId,
    Correct,
    AnsweredAt,
}
