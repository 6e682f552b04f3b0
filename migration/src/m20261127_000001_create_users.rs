//! Users known from Clerk (webhooks or first request), and the ids of deleted ones.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(string(Users::Id).primary_key())
                    .col(string_null(Users::Email))
                    .col(string_null(Users::Username))
                    .col(string_null(Users::FirstName))
                    .col(string_null(Users::LastName))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // A deleted user's id stays here so their still-valid tokens are refused
        // and a late webhook cannot bring them back.
        manager
            .create_table(
                Table::create()
                    .table(DeletedUsers::Table)
                    .if_not_exists()
                    .col(string(DeletedUsers::Id).primary_key())
                    .col(timestamp_with_time_zone(DeletedUsers::DeletedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeletedUsers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Email,
    Username,
    FirstName,
    LastName,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DeletedUsers {
    Table,
    Id,
    DeletedAt,
}
