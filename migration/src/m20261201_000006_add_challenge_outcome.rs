//! Each challenge's outcome (`unanswered`, `correct`, `wrong`) kept beside it, with indexes that
//! let a history page filtered by difficulty or outcome walk only matching rows.

use sea_orm_migration::prelude::*;

use crate::m20261127_000003_create_challenges::Challenges;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .add_column(
                        ColumnDef::new(Outcome::Outcome)
                            .string()
                            .not_null()
                            .default("unanswered"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE challenges SET outcome = CASE \
                   WHEN (SELECT correct FROM answers WHERE answers.challenge_id = challenges.id) \
                   THEN 'correct' ELSE 'wrong' END \
                 WHERE EXISTS (SELECT 1 FROM answers WHERE answers.challenge_id = challenges.id)",
            )
            .await?;
        use Challenges::{Difficulty, Id, UserId};
        let indexes: [(&str, Vec<DynIden>); 3] = [
            (
                "idx_challenges_user_difficulty_id",
                vec![UserId.into_iden(), Difficulty.into_iden(), Id.into_iden()],
            ),
            (
                "idx_challenges_user_outcome_id",
                vec![
                    UserId.into_iden(),
                    Outcome::Outcome.into_iden(),
                    Id.into_iden(),
                ],
            ),
            (
                "idx_challenges_user_difficulty_outcome_id",
                vec![
                    UserId.into_iden(),
                    Difficulty.into_iden(),
                    Outcome::Outcome.into_iden(),
                    Id.into_iden(),
                ],
            ),
        ];
        for (name, columns) in indexes {
            let mut index = Index::create();
            index.name(name).table(Challenges::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_challenges_user_difficulty_id",
            "idx_challenges_user_outcome_id",
            "idx_challenges_user_difficulty_outcome_id",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Challenges::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .drop_column(Outcome::Outcome)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Outcome {
    Outcome,
}
