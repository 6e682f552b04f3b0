//! Each quota row remembers the daily limit and the plan last applied to it, so a plan change can
//! be applied within a window (units used = that limit minus what remains) and tools without a
//! token can show the limit. Rows from before have neither: they were filled to `DAILY_QUOTA`,
//! which the service assumes for a null limit.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            ColumnDef::new(Quotas::DailyLimit)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(Quotas::Plan).string().null().to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Quotas::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Quotas::Plan, Quotas::DailyLimit] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Quotas::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Quotas {
    Table,
    DailyLimit,
    Plan,
}
