//! The learning loop: review items (an FSRS card for each challenge whose first answer was
//! wrong), first answers per UTC day with the streak they extend, a count of each user's open
//! review items beside their tallies, and tallies per language (`general` for challenges
//! without one). Triggers keep them all in the statements that store challenges, answers and
//! reviews, so neither stats nor the review list ever scan a history.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

use crate::{m20261127_000001_create_users::Users, m20261127_000003_create_challenges::Challenges};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A wrong first answer opens a review item due at once; opening and retiring one moves the
/// `reviewing` tally of its difficulty; every first answer counts in its UTC day, whose streak
/// is one more than the day before's; challenges and answers count in their language's tally.
const SQLITE_UP: &str = "
CREATE TRIGGER answers_reviewed AFTER INSERT ON answers WHEN NOT NEW.correct
BEGIN
  INSERT INTO review_items (challenge_id, user_id, due_at) VALUES (NEW.challenge_id, NEW.user_id, NEW.answered_at)
    ON CONFLICT (challenge_id) DO NOTHING;
END;
CREATE TRIGGER review_items_opened AFTER INSERT ON review_items
BEGIN
  UPDATE challenge_tallies SET reviewing = reviewing + 1
    WHERE user_id = NEW.user_id
      AND difficulty = (SELECT difficulty FROM challenges WHERE id = NEW.challenge_id);
END;
CREATE TRIGGER review_items_retired AFTER UPDATE OF due_at ON review_items
  WHEN OLD.due_at IS NOT NULL AND NEW.due_at IS NULL
BEGIN
  UPDATE challenge_tallies SET reviewing = reviewing - 1
    WHERE user_id = NEW.user_id
      AND difficulty = (SELECT difficulty FROM challenges WHERE id = NEW.challenge_id);
END;
CREATE TRIGGER answers_by_day AFTER INSERT ON answers
BEGIN
  INSERT INTO daily_activity (user_id, day, answered, correct, streak)
    VALUES (NEW.user_id, date(NEW.answered_at), 1, CASE WHEN NEW.correct THEN 1 ELSE 0 END,
      1 + COALESCE((SELECT streak FROM daily_activity
        WHERE user_id = NEW.user_id AND day = date(NEW.answered_at, '-1 day')), 0))
    ON CONFLICT (user_id, day) DO UPDATE
      SET answered = answered + 1, correct = correct + excluded.correct;
END;
CREATE TRIGGER challenges_by_language AFTER INSERT ON challenges
BEGIN
  INSERT INTO language_tallies (user_id, language, generated, answered, correct)
    VALUES (NEW.user_id, COALESCE(NEW.language, 'general'), 1, 0, 0)
    ON CONFLICT (user_id, language) DO UPDATE SET generated = generated + 1;
END;
CREATE TRIGGER answers_by_language AFTER INSERT ON answers
BEGIN
  UPDATE language_tallies
    SET answered = answered + 1, correct = correct + CASE WHEN NEW.correct THEN 1 ELSE 0 END
    WHERE user_id = NEW.user_id
      AND language = (SELECT COALESCE(language, 'general') FROM challenges WHERE id = NEW.challenge_id);
END;
";

const SQLITE_DOWN: &str = "
DROP TRIGGER IF EXISTS answers_reviewed;
DROP TRIGGER IF EXISTS review_items_opened;
DROP TRIGGER IF EXISTS review_items_retired;
DROP TRIGGER IF EXISTS answers_by_day;
DROP TRIGGER IF EXISTS challenges_by_language;
DROP TRIGGER IF EXISTS answers_by_language;
";

const POSTGRES_UP: &str = "
CREATE FUNCTION answers_reviewed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT NEW.correct THEN
    INSERT INTO review_items (challenge_id, user_id, due_at)
      VALUES (NEW.challenge_id, NEW.user_id, NEW.answered_at)
      ON CONFLICT (challenge_id) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER answers_reviewed AFTER INSERT ON answers
  FOR EACH ROW EXECUTE FUNCTION answers_reviewed();
CREATE FUNCTION review_items_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR (OLD.due_at IS NOT NULL AND NEW.due_at IS NULL) THEN
    UPDATE challenge_tallies
      SET reviewing = reviewing + CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END
      WHERE user_id = NEW.user_id
        AND difficulty = (SELECT difficulty FROM challenges WHERE id = NEW.challenge_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER review_items_counted AFTER INSERT OR UPDATE OF due_at ON review_items
  FOR EACH ROW EXECUTE FUNCTION review_items_counted();
CREATE FUNCTION answers_by_day() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  answered_on timestamp := NEW.answered_at AT TIME ZONE 'UTC';
BEGIN
  INSERT INTO daily_activity (user_id, day, answered, correct, streak)
    VALUES (NEW.user_id, to_char(answered_on, 'YYYY-MM-DD'), 1,
      CASE WHEN NEW.correct THEN 1 ELSE 0 END,
      1 + COALESCE((SELECT streak FROM daily_activity WHERE user_id = NEW.user_id
        AND day = to_char(answered_on - interval '1 day', 'YYYY-MM-DD')), 0))
    ON CONFLICT (user_id, day) DO UPDATE
      SET answered = daily_activity.answered + 1,
          correct = daily_activity.correct + excluded.correct;
  RETURN NULL;
END $$;
CREATE TRIGGER answers_by_day AFTER INSERT ON answers
  FOR EACH ROW EXECUTE FUNCTION answers_by_day();
CREATE FUNCTION challenges_by_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO language_tallies (user_id, language, generated, answered, correct)
    VALUES (NEW.user_id, COALESCE(NEW.language, 'general'), 1, 0, 0)
    ON CONFLICT (user_id, language)
    DO UPDATE SET generated = language_tallies.generated + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER challenges_by_language AFTER INSERT ON challenges
  FOR EACH ROW EXECUTE FUNCTION challenges_by_language();
CREATE FUNCTION answers_by_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE language_tallies
    SET answered = answered + 1, correct = correct + CASE WHEN NEW.correct THEN 1 ELSE 0 END
    WHERE user_id = NEW.user_id
      AND language = (SELECT COALESCE(language, 'general') FROM challenges WHERE id = NEW.challenge_id);
  RETURN NULL;
END $$;
CREATE TRIGGER answers_by_language AFTER INSERT ON answers
  FOR EACH ROW EXECUTE FUNCTION answers_by_language();
";

const POSTGRES_DOWN: &str = "
DROP TRIGGER IF EXISTS answers_reviewed ON answers;
DROP FUNCTION IF EXISTS answers_reviewed();
DROP TRIGGER IF EXISTS review_items_counted ON review_items;
DROP FUNCTION IF EXISTS review_items_counted();
DROP TRIGGER IF EXISTS answers_by_day ON answers;
DROP FUNCTION IF EXISTS answers_by_day();
DROP TRIGGER IF EXISTS challenges_by_language ON challenges;
DROP FUNCTION IF EXISTS challenges_by_language();
DROP TRIGGER IF EXISTS answers_by_language ON answers;
DROP FUNCTION IF EXISTS answers_by_language();
";

/// The days of the answers already stored, each with the streak it ends: the length of its run
/// of consecutive days (a day number minus the day's rank is constant along a run).
fn activity_backfill(day: &str, day_number: &str) -> String {
    format!(
        "INSERT INTO daily_activity (user_id, day, answered, correct, streak) \
         SELECT user_id, day, answered, correct, \
                ROW_NUMBER() OVER (PARTITION BY user_id, run ORDER BY day) \
         FROM (SELECT user_id, day, answered, correct, \
                      {day_number} - ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY day) AS run \
               FROM (SELECT user_id, {day} AS day, COUNT(*) AS answered, \
                            SUM(CASE WHEN correct THEN 1 ELSE 0 END) AS correct \
                     FROM answers GROUP BY user_id, {day}) AS days) AS runs"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_review_items(manager).await?;
        create_daily_activity(manager).await?;
        create_language_tallies(manager).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ChallengeTallies::Table)
                    .add_column(big_integer(ChallengeTallies::Reviewing).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let (triggers, backfill) = match manager.get_database_backend() {
            DatabaseBackend::Postgres => (
                POSTGRES_UP,
                activity_backfill(
                    "to_char(answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
                    "(CAST(day AS date) - DATE '2000-01-01')",
                ),
            ),
            _ => (
                SQLITE_UP,
                activity_backfill("date(answered_at)", "CAST(julianday(day) AS INTEGER)"),
            ),
        };
        db.execute_unprepared(triggers).await?;
        db.execute_unprepared(&backfill).await?;
        db.execute_unprepared(
            "INSERT INTO language_tallies (user_id, language, generated, answered, correct) \
             SELECT c.user_id, COALESCE(c.language, 'general'), COUNT(*), COUNT(a.challenge_id), \
                    SUM(CASE WHEN a.correct THEN 1 ELSE 0 END) \
             FROM challenges c LEFT JOIN answers a ON a.challenge_id = c.id \
             GROUP BY c.user_id, COALESCE(c.language, 'general')",
        )
        .await?;
        // Through the trigger, so each item is counted in its tally.
        db.execute_unprepared(
            "INSERT INTO review_items (challenge_id, user_id, due_at) \
             SELECT challenge_id, user_id, answered_at FROM answers WHERE NOT correct",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let triggers = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        };
        manager
            .get_connection()
            .execute_unprepared(triggers)
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ChallengeTallies::Table)
                    .drop_column(ChallengeTallies::Reviewing)
                    .to_owned(),
            )
            .await?;
        for table in [
            ReviewItems::Table.into_iden(),
            DailyActivity::Table.into_iden(),
            LanguageTallies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_review_items(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ReviewItems as R;
    manager
        .create_table(
            Table::create()
                .table(R::Table)
                .if_not_exists()
                .col(big_integer(R::ChallengeId).primary_key())
                .col(string(R::UserId))
                .col(timestamp_with_time_zone_null(R::DueAt))
                .col(integer(R::Reviews).default(0))
                .col(integer(R::CorrectStreak).default(0))
                .col(boolean_null(R::LastCorrect))
                .col(timestamp_with_time_zone_null(R::LastReviewedAt))
                .col(double(R::Stability).default(0.0))
                .col(double(R::FsrsDifficulty).default(0.0))
                .col(big_integer(R::ElapsedDays).default(0))
                .col(big_integer(R::ScheduledDays).default(0))
                .col(integer(R::Reps).default(0))
                .col(integer(R::Lapses).default(0))
                .col(small_integer(R::State).default(0))
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::ChallengeId)
                        .to(Challenges::Table, Challenges::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    // The due list and the count of items not yet due read one range of this index each.
    manager
        .create_index(
            Index::create()
                .name("idx_review_items_user_due")
                .table(R::Table)
                .col(R::UserId)
                .col(R::DueAt)
                .to_owned(),
        )
        .await
}

async fn create_daily_activity(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use DailyActivity as D;
    manager
        .create_table(
            Table::create()
                .table(D::Table)
                .if_not_exists()
                .col(string(D::UserId))
                .col(string(D::Day))
                .col(big_integer(D::Answered).default(0))
                .col(big_integer(D::Correct).default(0))
                .col(big_integer(D::Streak).default(1))
                .primary_key(Index::create().col(D::UserId).col(D::Day))
                .foreign_key(
                    ForeignKey::create()
                        .from(D::Table, D::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
}

async fn create_language_tallies(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use LanguageTallies as L;
    manager
        .create_table(
            Table::create()
                .table(L::Table)
                .if_not_exists()
                .col(string(L::UserId))
                .col(string(L::Language))
                .col(big_integer(L::Generated).default(0))
                .col(big_integer(L::Answered).default(0))
                .col(big_integer(L::Correct).default(0))
                .primary_key(Index::create().col(L::UserId).col(L::Language))
                .foreign_key(
                    ForeignKey::create()
                        .from(L::Table, L::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum LanguageTallies {
    Table,
    UserId,
    /// The challenge's language, or `general`.
    Language,
    Generated,
    Answered,
    Correct,
}

#[derive(DeriveIden)]
enum ReviewItems {
    Table,
    ChallengeId,
    UserId,
    /// When the item is next due; null once it is retired.
    DueAt,
    Reviews,
    CorrectStreak,
    LastCorrect,
    LastReviewedAt,
    Stability,
    FsrsDifficulty,
    ElapsedDays,
    ScheduledDays,
    Reps,
    Lapses,
    State,
}

#[derive(DeriveIden)]
enum DailyActivity {
    Table,
    UserId,
    /// `YYYY-MM-DD`, UTC.
    Day,
    Answered,
    Correct,
    /// Consecutive days with an answer, ending with this one.
    Streak,
}

#[derive(DeriveIden)]
enum ChallengeTallies {
    Table,
    Reviewing,
}
