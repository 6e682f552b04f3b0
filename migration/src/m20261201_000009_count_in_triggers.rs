//! The tallies, the seen bank questions and each challenge's outcome, maintained by triggers on
//! the rows they derive from: storing a challenge or an answer is then one statement that
//! cannot leave them behind, whoever writes it.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &str = "
CREATE TRIGGER challenges_counted AFTER INSERT ON challenges
BEGIN
  INSERT INTO challenge_tallies (user_id, difficulty, generated, answered, correct)
    VALUES (NEW.user_id, NEW.difficulty, 1, 0, 0)
    ON CONFLICT (user_id, difficulty) DO UPDATE SET generated = generated + 1;
  INSERT INTO seen_questions (user_id, bank_key, difficulty, last_challenge_id)
    SELECT NEW.user_id, NEW.bank_key, NEW.difficulty, NEW.id WHERE NEW.bank_key IS NOT NULL
    ON CONFLICT (user_id, bank_key) DO UPDATE
      SET difficulty = excluded.difficulty, last_challenge_id = excluded.last_challenge_id;
END;
CREATE TRIGGER answers_counted AFTER INSERT ON answers
BEGIN
  UPDATE challenges SET outcome = CASE WHEN NEW.correct THEN 'correct' ELSE 'wrong' END
    WHERE id = NEW.challenge_id;
  UPDATE challenge_tallies
    SET answered = answered + 1, correct = correct + CASE WHEN NEW.correct THEN 1 ELSE 0 END
    WHERE user_id = NEW.user_id
      AND difficulty = (SELECT difficulty FROM challenges WHERE id = NEW.challenge_id);
END;
";

const SQLITE_DOWN: &str = "
DROP TRIGGER IF EXISTS challenges_counted;
DROP TRIGGER IF EXISTS answers_counted;
";

const POSTGRES_UP: &str = "
CREATE FUNCTION challenges_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO challenge_tallies (user_id, difficulty, generated, answered, correct)
    VALUES (NEW.user_id, NEW.difficulty, 1, 0, 0)
    ON CONFLICT (user_id, difficulty)
    DO UPDATE SET generated = challenge_tallies.generated + 1;
  IF NEW.bank_key IS NOT NULL THEN
    INSERT INTO seen_questions (user_id, bank_key, difficulty, last_challenge_id)
      VALUES (NEW.user_id, NEW.bank_key, NEW.difficulty, NEW.id)
      ON CONFLICT (user_id, bank_key) DO UPDATE
        SET difficulty = excluded.difficulty, last_challenge_id = excluded.last_challenge_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER challenges_counted AFTER INSERT ON challenges
  FOR EACH ROW EXECUTE FUNCTION challenges_counted();
CREATE FUNCTION answers_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE challenges SET outcome = CASE WHEN NEW.correct THEN 'correct' ELSE 'wrong' END
    WHERE id = NEW.challenge_id;
  UPDATE challenge_tallies
    SET answered = answered + 1, correct = correct + CASE WHEN NEW.correct THEN 1 ELSE 0 END
    WHERE user_id = NEW.user_id
      AND difficulty = (SELECT difficulty FROM challenges WHERE id = NEW.challenge_id);
  RETURN NULL;
END $$;
CREATE TRIGGER answers_counted AFTER INSERT ON answers
  FOR EACH ROW EXECUTE FUNCTION answers_counted();
";

const POSTGRES_DOWN: &str = "
DROP TRIGGER IF EXISTS challenges_counted ON challenges;
DROP FUNCTION IF EXISTS challenges_counted();
DROP TRIGGER IF EXISTS answers_counted ON answers;
DROP FUNCTION IF EXISTS answers_counted();
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        };
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }
}
