//! The widgets' keyed lists (the level track, each group of challenges, the programs) share one
//! `<For>`: its keyed diff is compiled for every distinct item type and row view, so one item
//! type for every list leaves one copy of that machinery in the wasm instead of three.

use std::sync::Arc;

use leptos::either::EitherOf3;
use leptos::prelude::*;

use super::battlepass::{ChallengeItem, ChallengeState, LevelItem, LevelStep};
use super::collection::ProgramItem;
use super::{keyed, Key};
use crate::labels::Labels;
use crate::model::giftoin::Program;
use crate::model::whalepass::Challenge;

/// An item of one of the keyed lists.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Row {
    /// A tier of the level track.
    Level(Arc<LevelStep>),
    /// A challenge, in its state's group.
    Challenge(ChallengeState, Arc<Challenge>),
    /// A collection challenge (shared with the answer it came in).
    Program(Arc<Program>),
}

impl Row {
    /// The id upstream gave the item.
    fn id(&self) -> Option<String> {
        match self {
            Row::Level(step) => step.level.id.clone(),
            Row::Challenge(_, challenge) => challenge.id.clone(),
            Row::Program(program) => program.id.clone(),
        }
    }
}

/// Pairs rows with their keys, given the last list this produced (a `Memo`'s previous value):
/// [`keyed`] for rows.
pub(crate) fn keyed_rows(rows: Vec<Row>, previous: Option<&Vec<(Key, Row)>>) -> Vec<(Key, Row)> {
    keyed(rows, Row::id, previous)
}

/// The rows, keyed by identity and content: a row that changes re-renders, the rest stay.
pub(crate) fn rows(rows: Memo<Vec<(Key, Row)>>, labels: Labels) -> impl IntoView {
    view! {
        <For each=move || rows.get() key=|(key, _)| key.id() let:((_, row))>
            {
                let labels = labels.clone();
                match row {
                    Row::Level(step) => EitherOf3::A(view! { <LevelItem step labels /> }),
                    Row::Challenge(state, challenge) => EitherOf3::B(view! { <ChallengeItem challenge state labels /> }),
                    Row::Program(program) => EitherOf3::C(view! { <ProgramItem program labels /> }),
                }
            }
        </For>
    }
}
