//! Daily generation quotas and the units reserved by generations in flight.

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
                    .table(Quotas::Table)
                    .if_not_exists()
                    .col(string(Quotas::UserId).primary_key())
                    .col(integer(Quotas::QuotaRemaining))
                    .col(timestamp_with_time_zone(Quotas::LastResetDate))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Quotas::Table, Quotas::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuotaReservations::Table)
                    .if_not_exists()
                    .col(big_pk_auto(QuotaReservations::Id))
                    .col(string(QuotaReservations::UserId))
                    .col(timestamp_with_time_zone(QuotaReservations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(QuotaReservations::Table, QuotaReservations::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quota_reservations_created_at")
                    .table(QuotaReservations::Table)
                    .col(QuotaReservations::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuotaReservations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Quotas::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Quotas {
    Table,
    UserId,
    QuotaRemaining,
    LastResetDate,
}

#[derive(DeriveIden)]
enum QuotaReservations {
    Table,
    Id,
    UserId,
    CreatedAt,
}
