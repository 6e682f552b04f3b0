//! Challenges: insert, lookups, history pages, and the bank questions each user has seen.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, sea_query::Expr,
};

use super::entity::{answers, challenges, seen_questions};
use crate::domain::{
    Challenge, Difficulty, GeneratedChallenge, HistoryFilter, Language, Outcome, SeenKeys,
    Verification,
};

pub struct NewChallenge<'a> {
    pub user_id: &'a str,
    pub difficulty: Difficulty,
    pub topic: Option<&'a str>,
    pub generated: &'a GeneratedChallenge,
    pub created_at: DateTime<Utc>,
}

/// Stores a challenge. The schema's trigger counts it in the user's tallies and, from the bank,
/// in the questions they have seen, in the same statement.
pub async fn insert<C: ConnectionTrait>(db: &C, new: NewChallenge<'_>) -> Result<Challenge, DbErr> {
    let generated = new.generated;
    let options =
        serde_json::to_string(&generated.options).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = challenges::ActiveModel {
        user_id: Set(new.user_id.to_owned()),
        difficulty: Set(new.difficulty.as_str().to_owned()),
        topic: Set(new.topic.map(str::to_owned)),
        title: Set(generated.title.clone()),
        question: Set(generated.question.clone()),
        code: Set(generated.code.clone()),
        language: Set(generated.language.map(|l| l.as_str().to_owned())),
        verification: Set(generated.verification.as_str().to_owned()),
        options: Set(options),
        correct_answer_id: Set(i32::from(generated.correct_answer_id)),
        explanation: Set(generated.explanation.clone()),
        bank_key: Set(generated.bank_key.clone()),
        created_at: Set(new.created_at),
        outcome: Set(Outcome::Unanswered.as_str().to_owned()),
        ..Default::default()
    };
    let id = challenges::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id;
    Ok(Challenge {
        id,
        difficulty: new.difficulty,
        topic: new.topic.map(str::to_owned),
        title: generated.title.clone(),
        question: generated.question.clone(),
        code: generated.code.clone(),
        language: generated.language,
        verification: generated.verification,
        options: generated.options.to_vec(),
        correct_answer_id: generated.correct_answer_id,
        explanation: generated.explanation.clone(),
        created_at: new.created_at,
        answer: None,
    })
}

/// The challenge `id`, with its answer, if it belongs to `user_id`.
pub async fn find_owned<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    id: i64,
) -> Result<Option<Challenge>, DbErr> {
    challenges::Entity::find_by_id(id)
        .filter(challenges::Column::UserId.eq(user_id))
        .select_also(answers::Entity)
        .join(JoinType::LeftJoin, answers_relation())
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// One page of a user's challenges with their answers, newest first. Every combination of
/// filters has an index that starts with the user and ends with the id, so a page reads only
/// the rows it returns.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    filter: HistoryFilter,
    limit: u64,
) -> Result<Vec<Challenge>, DbErr> {
    let mut query = challenges::Entity::find().filter(challenges::Column::UserId.eq(user_id));
    if let Some(before) = filter.before {
        query = query.filter(challenges::Column::Id.lt(before));
    }
    if let Some(difficulty) = filter.difficulty {
        query = query.filter(challenges::Column::Difficulty.eq(difficulty.as_str()));
    }
    if let Some(outcome) = filter.outcome {
        query = query.filter(challenges::Column::Outcome.eq(outcome.as_str()));
    }
    query
        .select_also(answers::Entity)
        .join(JoinType::LeftJoin, answers_relation())
        .order_by_desc(challenges::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The titles (question and code) of the user's latest challenges of a difficulty, newest first.
pub async fn recent_titles<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    difficulty: Difficulty,
    limit: u64,
) -> Result<Vec<String>, DbErr> {
    challenges::Entity::find()
        .select_only()
        .column(challenges::Column::Title)
        .filter(challenges::Column::UserId.eq(user_id))
        .filter(challenges::Column::Difficulty.eq(difficulty.as_str()))
        .order_by_desc(challenges::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Bank keys the user has already been given at a difficulty, each once, most recently seen
/// first: at most the bank's size, however long the history, and in one row (SQLite and
/// PostgreSQL both have `string_agg` with an `ORDER BY`), not one row per key.
pub async fn seen_bank_keys<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    difficulty: Difficulty,
) -> Result<SeenKeys, DbErr> {
    use seen_questions::Column as S;
    let keys: Option<Option<String>> = seen_questions::Entity::find()
        .select_only()
        .expr(Expr::cust(
            r#"string_agg("bank_key", ' ' ORDER BY "last_challenge_id" DESC)"#,
        ))
        .filter(S::UserId.eq(user_id))
        .filter(S::Difficulty.eq(difficulty.as_str()))
        .into_tuple()
        .one(db)
        .await?;
    Ok(keys
        .flatten()
        .map(|keys| keys.split(' ').map(Into::into).collect())
        .unwrap_or_default())
}

fn answers_relation() -> RelationDef {
    challenges::Entity::belongs_to(answers::Entity)
        .from(challenges::Column::Id)
        .to(answers::Column::ChallengeId)
        .into()
}

fn to_domain(
    (row, answer): (challenges::Model, Option<answers::Model>),
) -> Result<Challenge, DbErr> {
    let options: Vec<String> =
        serde_json::from_str(&row.options).map_err(|e| DbErr::Custom(e.to_string()))?;
    let difficulty = Difficulty::parse(&row.difficulty)
        .ok_or_else(|| DbErr::Custom(format!("unknown difficulty {:?}", row.difficulty)))?;
    let language = row
        .language
        .map(|l| {
            Language::parse(&l).ok_or_else(|| DbErr::Custom(format!("unknown language {l:?}")))
        })
        .transpose()?;
    let verification = Verification::parse(&row.verification)
        .ok_or_else(|| DbErr::Custom(format!("unknown verification {:?}", row.verification)))?;
    Ok(Challenge {
        id: row.id,
        difficulty,
        topic: row.topic,
        title: row.title,
        question: row.question,
        code: row.code,
        language,
        verification,
        options,
        correct_answer_id: u8::try_from(row.correct_answer_id)
            .map_err(|e| DbErr::Custom(e.to_string()))?,
        explanation: row.explanation,
        created_at: row.created_at,
        answer: answer.map(super::answers::to_domain).transpose()?,
    })
}
