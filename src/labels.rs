//! Every word the widgets show, from one table per language: English, French and German built
//! in (chosen by the widget's `locale`), and any of them replaceable by name with the `labels`
//! option (`configure({labels})` on a page).
//!
//! A label may hold `{placeholders}`, filled by [`Labels::fill`]. Counts that need a plural have
//! one label per plural category the languages here use (`….one`, `….other`), chosen by
//! `Intl.PluralRules` for the locale.

use std::sync::Arc;

/// Builds [`Label`] and the table: one line per label, its name (what `labels` overrides use),
/// then English, French and German.
macro_rules! labels {
    ($($key:ident $name:literal [$en:literal, $fr:literal, $de:literal])*) => {
        /// A UI string, by what it is for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Label { $(#[doc = $en] $key,)* }

        impl Label {
            /// Every label, in table order.
            pub const ALL: &'static [Label] = &[$(Label::$key,)*];

            /// The name a `labels` override uses.
            ///
            /// ```
            /// use progress_widgets::labels::Label;
            /// assert_eq!(Label::Locked.name(), "locked");
            /// ```
            pub fn name(self) -> &'static str {
                nth(NAMES, self as usize)
            }
        }

        // Each column is one text with a NUL after each label, not an array of `&str`: 82 pointers
        // and lengths per column were 2.6 KB of data that brotli hardly shrinks (the wasm was
        // 365 B brotli smaller this way); finding the label's line costs a scan of a few
        // hundred bytes, done when a view is built.
        const NAMES: &str = concat!($($name, "\0",)*);
        const TABLE: [&str; 3] = [concat!($($en, "\0",)*), concat!($($fr, "\0",)*), concat!($($de, "\0",)*)];
    };
}

labels! {
    BattlePass "battlePass" ["Battle pass", "Passe de combat", "Battle Pass"]
    NoEndDate "noEndDate" ["No end date", "Sans date de fin", "Kein Enddatum"]
    Ends "ends" ["Ends {date}", "Fin le {date}", "Endet am {date}"]
    Started "started" ["Started {date}", "Commencé le {date}", "Begonnen am {date}"]
    PremiumPrice "premiumPrice" ["Premium {price}", "Premium {price}", "Premium {price}"]
    Player "player" ["Player {id}", "Joueur {id}", "Spieler {id}"]
    AccountConnected "accountConnected" ["Whalepass account connected", "Compte Whalepass connecté", "Whalepass-Konto verbunden"]
    AccountNotConnected "accountNotConnected" ["Whalepass account not connected", "Compte Whalepass non connecté", "Whalepass-Konto nicht verbunden"]
    Joined "joined" ["Joined {date}", "Inscrit le {date}", "Dabei seit {date}"]
    Updated "updated" ["Updated {date}", "Mis à jour le {date}", "Aktualisiert am {date}"]
    Level "level" ["Level {level}", "Niveau {level}", "Stufe {level}"]
    Xp "xp" ["{xp} XP", "{xp} XP", "{xp} XP"]
    XpToLevel "xpToLevel" ["{xp} XP to level {level}", "{xp} XP avant le niveau {level}", "Noch {xp} XP bis Stufe {level}"]
    NextLevel "nextLevel" ["Next: level {level}", "Suivant : niveau {level}", "Nächste: Stufe {level}"]
    EveryLevelReached "everyLevelReached" ["Every level reached", "Tous les niveaux atteints", "Alle Stufen erreicht"]
    ProgressToNextLevel "progressToNextLevel" ["Progress to the next level", "Progression vers le niveau suivant", "Fortschritt zur nächsten Stufe"]
    Summary "summary" ["Level {level}, {xp} XP", "Niveau {level}, {xp} XP", "Stufe {level}, {xp} XP"]
    LevelReached "levelReached" ["Level {level} reached", "Niveau {level} atteint", "Stufe {level} erreicht"]
    NextReward "nextReward" ["Next reward", "Prochaine récompense", "Nächste Belohnung"]
    AtLevel "atLevel" ["at level {level}", "au niveau {level}", "auf Stufe {level}"]
    NoBattlePass "noBattlePass" ["No battle pass is running for this player yet.", "Aucun passe de combat n'est en cours pour ce joueur.", "Für diesen Spieler läuft noch kein Battle Pass."]
    Levels "levels" ["Levels", "Niveaux", "Stufen"]
    Free "free" ["Free", "Gratuit", "Kostenlos"]
    Premium "premium" ["Premium", "Premium", "Premium"]
    EarlierLevels "earlierLevels" ["Earlier levels", "Niveaux précédents", "Frühere Stufen"]
    LaterLevels "laterLevels" ["Later levels", "Niveaux suivants", "Spätere Stufen"]
    Challenges "challenges" ["Challenges", "Défis", "Herausforderungen"]
    Challenge "challenge" ["Challenge", "Défi", "Herausforderung"]
    InProgress "inProgress" ["In progress", "En cours", "Läuft"]
    Upcoming "upcoming" ["Upcoming", "À venir", "Demnächst"]
    Completed "completed" ["Completed", "Terminé", "Abgeschlossen"]
    NotCompleted "notCompleted" ["Not completed", "Non terminé", "Nicht abgeschlossen"]
    Ended "ended" ["Ended", "Expiré", "Beendet"]
    NotStarted "notStarted" ["Not started", "Pas commencé", "Nicht begonnen"]
    Expired "expired" ["Expired", "Expiré", "Abgelaufen"]
    Reached "reached" ["Reached", "Atteint", "Erreicht"]
    Locked "locked" ["Locked", "Verrouillé", "Gesperrt"]
    Inactive "inactive" ["Inactive", "Inactif", "Inaktiv"]
    DateRange "dateRange" ["{start} – {end}", "{start} – {end}", "{start} – {end}"]
    Until "until" ["Until {date}", "Jusqu'au {date}", "Bis {date}"]
    From "from" ["From {date}", "À partir du {date}", "Ab {date}"]
    FromNoEnd "fromNoEnd" ["From {date} · no end date", "À partir du {date} · sans date de fin", "Ab {date} · kein Enddatum"]
    TimeLeft "timeLeft" ["{time} left", "encore {time}", "noch {time}"]
    Reward "reward" ["Reward", "Récompense", "Belohnung"]
    Collection "collection" ["Collection", "Collection", "Sammlung"]
    CollectionProgress "collectionProgress" ["{name} progress", "Progression : {name}", "Fortschritt: {name}"]
    CardsOfOne "cardsOf.one" ["{n} of {size} card", "{n} sur {size} carte", "{n} von {size} Karte"]
    CardsOfOther "cardsOf.other" ["{n} of {size} cards", "{n} sur {size} cartes", "{n} von {size} Karten"]
    Collected "collected" ["{n} / {size} collected", "{n} / {size} collectées", "{n} / {size} gesammelt"]
    Created "created" ["Created {date}", "Créée le {date}", "Erstellt am {date}"]
    Card "card" ["Card", "Carte", "Karte"]
    Owned "owned" ["Owned", "Possédée", "Im Besitz"]
    NotOwned "notOwned" ["Not owned", "Non possédée", "Nicht im Besitz"]
    Common "common" ["Common", "Commune", "Gewöhnlich"]
    Uncommon "uncommon" ["Uncommon", "Peu commune", "Ungewöhnlich"]
    Rare "rare" ["Rare", "Rare", "Selten"]
    Epic "epic" ["Epic", "Épique", "Episch"]
    Legendary "legendary" ["Legendary", "Légendaire", "Legendär"]
    Claimed "claimed" ["Claimed", "Réclamée", "Eingelöst"]
    ClaimedOn "claimedOn" ["Claimed on {date}", "Réclamée le {date}", "Eingelöst am {date}"]
    ReadyToClaim "readyToClaim" ["Ready to claim", "Prête à être réclamée", "Bereit zum Einlösen"]
    CollectToUnlock "collectToUnlock" ["Collect every card to unlock", "Collectez toutes les cartes pour la débloquer", "Sammle alle Karten, um sie freizuschalten"]
    NoCollections "noCollections" ["No collections to show yet.", "Aucune collection à afficher pour l'instant.", "Noch keine Sammlungen."]
    QrCode "qrCode" ["QR code", "Code QR", "QR-Code"]
    Link "link" ["Link", "Lien", "Link"]
    Code "code" ["Code", "Code", "Code"]
    SignInToTrack "signInToTrack" ["Sign in to track your progress", "Connectez-vous pour suivre votre progression", "Melde dich an, um deinen Fortschritt zu verfolgen"]
    SignInForCode "signInForCode" ["Sign in to see your code", "Connectez-vous pour voir votre code", "Melde dich an, um deinen Code zu sehen"]
    LoadingBattlePass "loadingBattlePass" ["Loading battle pass…", "Chargement du passe de combat…", "Battle Pass wird geladen…"]
    LoadingCollections "loadingCollections" ["Loading collections…", "Chargement des collections…", "Sammlungen werden geladen…"]
    CouldNotRefresh "couldNotRefresh" ["Couldn't refresh.", "Actualisation impossible.", "Aktualisierung fehlgeschlagen."]
    Retry "retry" ["Retry", "Réessayer", "Erneut versuchen"]
    Dismiss "dismiss" ["Dismiss", "Fermer", "Schließen"]
    ErrorSettings "errorSettings" ["Invalid widget settings: {message}", "Réglages du widget invalides : {message}", "Ungültige Widget-Einstellungen: {message}"]
    ErrorNetwork "errorNetwork" ["Couldn't reach the progress service. Check your connection.", "Impossible de joindre le service de progression. Vérifiez votre connexion.", "Der Fortschrittsdienst ist nicht erreichbar. Prüfe deine Verbindung."]
    ErrorSignIn "errorSignIn" ["Sign in to see your progress.", "Connectez-vous pour voir votre progression.", "Melde dich an, um deinen Fortschritt zu sehen."]
    ErrorOtherPlayer "errorOtherPlayer" ["This progress belongs to another player. Sign in as yourself to see yours.", "Cette progression appartient à un autre joueur. Connectez-vous avec votre compte pour voir la vôtre.", "Dieser Fortschritt gehört einem anderen Spieler. Melde dich mit deinem Konto an, um deinen zu sehen."]
    ErrorRateLimited "errorRateLimited" ["Too many requests right now (HTTP 429: {message}); try again in a moment.", "Trop de requêtes pour le moment (HTTP 429 : {message}) ; réessayez dans un instant.", "Gerade zu viele Anfragen (HTTP 429: {message}); versuche es gleich noch einmal."]
    ErrorService "errorService" ["The progress service had a problem (HTTP {status}): {message}", "Le service de progression a rencontré un problème (HTTP {status}) : {message}", "Der Fortschrittsdienst hatte ein Problem (HTTP {status}): {message}"]
    ErrorRefused "errorRefused" ["Request refused (HTTP {status}): {message}", "Requête refusée (HTTP {status}) : {message}", "Anfrage abgelehnt (HTTP {status}): {message}"]
    ErrorBusy "errorBusy" ["The progress service is busy. Retrying in {seconds} s…", "Le service de progression est occupé. Nouvel essai dans {seconds} s…", "Der Fortschrittsdienst ist ausgelastet. Neuer Versuch in {seconds} s…"]
    ErrorDecode "errorDecode" ["The progress service sent data this widget can't read: {message}", "Le service de progression a envoyé des données illisibles pour ce widget : {message}", "Der Fortschrittsdienst hat Daten gesendet, die dieses Widget nicht lesen kann: {message}"]
}

/// Line `i` of a column of the label table.
fn nth(column: &'static str, i: usize) -> &'static str {
    column.split_terminator('\0').nth(i).unwrap_or_default()
}

/// Replacements for built-in labels, by [`Label`]: what the `labels` option carries.
///
/// ```
/// use progress_widgets::labels::{Label, LabelOverrides};
/// let overrides = LabelOverrides::from_pairs([("locked", "Not yet"), ("nonsense", "ignored")]);
/// assert_eq!(overrides.get(Label::Locked), Some("Not yet"));
/// assert_eq!(overrides.get(Label::Levels), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelOverrides(Vec<Option<String>>);

impl LabelOverrides {
    /// Overrides from `(name, text)` pairs; names that are no label are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut texts = vec![None; Label::ALL.len()];
        for (name, text) in pairs {
            if let Some(i) = NAMES.split_terminator('\0').position(|n| n == name) {
                texts[i] = Some(text.to_owned());
            }
        }
        LabelOverrides(texts)
    }

    /// Reads a JavaScript object's own string properties named like labels (anything else on it
    /// is ignored).
    pub fn from_js(object: &wasm_bindgen::JsValue) -> Self {
        let mut texts = vec![None; Label::ALL.len()];
        if object.is_object() {
            for (i, name) in NAMES.split_terminator('\0').enumerate() {
                texts[i] = js_sys::Reflect::get(object, &name.into()).ok().and_then(|v| v.as_string());
            }
        }
        LabelOverrides(texts)
    }

    /// The replacement for `label`, if any.
    pub fn get(&self, label: Label) -> Option<&str> {
        self.0.get(label as usize)?.as_deref()
    }
}

/// The labels of one widget: its language's table and the page's overrides.
///
/// ```
/// use progress_widgets::format::Locale;
/// use progress_widgets::labels::{Label, LabelOverrides, Labels};
/// let de = Labels::new(&Locale(Some("de-AT".into())), LabelOverrides::default());
/// assert_eq!(de.get(Label::Locked), "Gesperrt");
/// assert_eq!(de.fill(Label::XpToLevel, &[("xp", "250"), ("level", "4")]), "Noch 250 XP bis Stufe 4");
/// let custom = Labels::new(&Locale(Some("fr".into())), LabelOverrides::from_pairs([("locked", "Bientôt")]));
/// assert_eq!(custom.get(Label::Locked), "Bientôt");
/// assert_eq!(custom.get(Label::Levels), "Niveaux");
/// // Any other language is English.
/// assert_eq!(Labels::new(&Locale(Some("ja".into())), LabelOverrides::default()).get(Label::Levels), "Levels");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels(Arc<Words>);

/// What [`Labels`] shares between its copies: one pointer to copy and drop, which every view
/// that keeps the labels does.
#[derive(Debug, Default, PartialEq)]
struct Words {
    table: usize,
    locale: Option<String>,
    overrides: LabelOverrides,
}

impl Labels {
    /// The labels for a locale's language, with overrides.
    pub fn new(locale: &crate::format::Locale, overrides: LabelOverrides) -> Self {
        let language = locale.0.as_deref().map(|tag| tag.split('-').next().unwrap_or_default().to_ascii_lowercase());
        let table = match language.as_deref() {
            Some("fr") => 1,
            Some("de") => 2,
            _ => 0,
        };
        Labels(Arc::new(Words { table, locale: locale.0.clone(), overrides }))
    }

    /// The locale these labels were made for: the widgets' components take both from this one
    /// context (a second context type was 1 KB of raw wasm, 0.1 KB brotli).
    ///
    /// ```
    /// use progress_widgets::format::Locale;
    /// use progress_widgets::labels::Labels;
    /// let locale = Locale(Some("de-DE".into()));
    /// assert_eq!(Labels::new(&locale, Default::default()).locale(), locale);
    /// ```
    pub fn locale(&self) -> crate::format::Locale {
        crate::format::Locale(self.0.locale.clone())
    }

    /// The text of `label`.
    pub fn get(&self, label: Label) -> String {
        self.text(label).to_owned()
    }

    fn text(&self, label: Label) -> &str {
        self.0.overrides.get(label).unwrap_or_else(|| nth(TABLE[self.0.table], label as usize))
    }

    /// The text of `label` with each `{name}` replaced by its value (a name without a value is
    /// left as it is).
    ///
    /// ```
    /// use progress_widgets::labels::{Label, LabelOverrides, Labels};
    /// let t = Labels::new(&Default::default(), LabelOverrides::from_pairs([("level", "{level} / {max} {")]));
    /// assert_eq!(t.fill(Label::Level, &[("level", "3")]), "3 / {max} {");
    /// ```
    pub fn fill(&self, label: Label, values: &[(&str, &str)]) -> String {
        // One pass with char patterns: `str::replace` with a string pattern links a substring
        // searcher into the wasm for nothing else.
        let mut out = String::new();
        let mut rest = self.text(label);
        while let Some((before, after)) = rest.split_once('{') {
            out.push_str(before);
            match after.split_once('}').and_then(|(name, tail)| Some((values.iter().find(|(n, _)| *n == name)?.1, tail))) {
                Some((value, tail)) => {
                    out.push_str(value);
                    rest = tail;
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out + rest
    }

    /// `one` or `other` of a pair of plural labels for `count`, as `Intl.PluralRules` picks for the
    /// locale (natively, and for categories these tables do not have, English's rule: 1 is
    /// `one`).
    ///
    /// ```
    /// use progress_widgets::labels::{Label, Labels};
    /// let en = Labels::default();
    /// assert_eq!(en.plural(1.0, Label::CardsOfOne, Label::CardsOfOther), Label::CardsOfOne);
    /// assert_eq!(en.plural(5.0, Label::CardsOfOne, Label::CardsOfOther), Label::CardsOfOther);
    /// ```
    pub fn plural(&self, count: f64, one: Label, other: Label) -> Label {
        #[cfg(target_arch = "wasm32")]
        if let Some(tag) = &self.0.locale {
            return if crate::format::intl::plural_is_one(tag, count) { one } else { other };
        }
        if count == 1.0 {
            one
        } else {
            other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_label_with_the_same_placeholders() {
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text.split('{').skip(1).filter_map(|p| p.split_once('}')).map(|(n, _)| n.to_owned()).collect();
            names.sort();
            names
        };
        for (i, label) in Label::ALL.iter().enumerate() {
            assert_eq!(*label as usize, i);
            let english = placeholders(nth(TABLE[0], i));
            for table in &TABLE[1..] {
                assert!(!nth(table, i).is_empty(), "{}", label.name());
                assert_eq!(placeholders(nth(table, i)), english, "{}", label.name());
            }
        }
        for column in [NAMES, TABLE[0], TABLE[1], TABLE[2]] {
            assert_eq!(column.split_terminator('\0').count(), Label::ALL.len(), "one line per label, no NUL inside one");
        }
        let mut names: Vec<&str> = NAMES.split_terminator('\0').collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Label::ALL.len(), "label names are unique");
    }

    #[test]
    fn the_readme_lists_every_label_with_its_english_text() {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("### Languages and labels").expect("the README has the labels section")..];
        let rows: Vec<(String, String)> = section
            .lines()
            .skip_while(|line| !line.starts_with("|---"))
            .skip(1)
            .take_while(|line| line.starts_with("| `"))
            .filter_map(|line| {
                let (name, text) = line.strip_prefix("| `")?.split_once("` | ")?;
                Some((name.to_owned(), text.strip_suffix(" |")?.to_owned()))
            })
            .collect();
        let expected: Vec<(String, String)> = NAMES.split_terminator('\0').zip(TABLE[0].split_terminator('\0')).map(|(n, t)| (n.to_string(), t.to_string())).collect();
        assert_eq!(rows, expected);
    }
}
