//! Generated challenges, one row per challenge a user received.

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
                    .table(Challenges::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Challenges::Id))
                    .col(string(Challenges::UserId))
                    .col(string(Challenges::Difficulty))
                    .col(string_null(Challenges::Topic))
                    .col(text(Challenges::Title))
                    .col(text(Challenges::Options))
                    .col(integer(Challenges::CorrectAnswerId))
                    .col(text(Challenges::Explanation))
                    .col(string_null(Challenges::BankKey))
                    .col(timestamp_with_time_zone(Challenges::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Challenges::Table, Challenges::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // History pages walk a user's challenges by descending id.
        manager
            .create_index(
                Index::create()
                    .name("idx_challenges_user_id_id")
                    .table(Challenges::Table)
                    .col(Challenges::UserId)
                    .col(Challenges::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Challenges::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Challenges {
    Table,
    Id,
    UserId,
    Difficulty,
    Topic,
    Title,
    Options,
    CorrectAnswerId,
    Explanation,
    BankKey,
    CreatedAt,
}
