//! Enums for text fields whose values upstream does not fully document.

/// Declares an enum for a text field whose values upstream does not fully document: the known
/// values get variants, anything else is kept as `Other(text)` so it can still be shown.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the documentation does not list, kept as upstream sent it.
            Other(String),
        }

        impl $name {
            /// The value as upstream sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(text) => text,
                }
            }

            /// A human-readable label: `in_progress` becomes `In progress`.
            pub fn label(&self) -> String {
                crate::model::humanize(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }
    };
}
pub(crate) use text_enum;
