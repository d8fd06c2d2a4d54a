//! Who works at the demo organisation: people's names, how logins are derived from them, and the
//! bots (AI coding agents and dependency updaters).

/// Given names. Deliberately international; none is also the name of a bot.
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Maria",
    "Wei",
    "Aisha",
    "James",
    "Priya",
    "Lukas",
    "Sofia",
    "Kenji",
    "Fatima",
    "Daniel",
    "Chloe",
    "Omar",
    "Elena",
    "Mateo",
    "Hannah",
    "Ravi",
    "Zoe",
    "Ahmed",
    "Ingrid",
    "Tomás",
    "Yuki",
    "Grace",
    "Noah",
    "Amara",
    "Lars",
    "Mei",
    "Carlos",
    "Olivia",
    "Ibrahim",
    "Freya",
    "Arjun",
    "Leila",
    "Ben",
    "Nadia",
    "Hugo",
    "Sara",
    "Kwame",
    "Emma",
    "Diego",
    "Anika",
    "Felix",
    "Jin",
    "Rosa",
    "Samuel",
    "Alicia",
    "Tariq",
    "Laura",
    "Viktor",
    "Aiko",
    "Marcus",
    "Chiara",
    "Oskar",
    "Nia",
    "Pedro",
    "Julia",
    "Dmitri",
    "Layla",
    "Ethan",
    "Ananya",
    "Jonas",
    "Camila",
    "Rohan",
    "Isabel",
    "Kofi",
    "Lena",
    "Hiro",
    "Maya",
    "Andrei",
    "Selin",
    "Tom",
    "Elif",
    "Sean",
    "Bianca",
    "Femi",
    "Astrid",
    "Luis",
    "Ines",
    "Pavel",
    "Naomi",
    "Raj",
    "Clara",
    "Mohammed",
    "Eva",
    "Jakub",
    "Siobhan",
    "Kai",
    "Valentina",
    "Adam",
    "Yara",
    "Nikhil",
    "Greta",
    "Matteo",
    "Zainab",
    "Oliver",
    "Ming",
    "Ruth",
];

/// Family names.
pub(crate) const LAST_NAMES: &[&str] = &[
    "Chen",
    "Okafor",
    "Novak",
    "Patel",
    "Schmidt",
    "Kowalski",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Silva",
    "Nguyen",
    "Johansson",
    "Garcia",
    "Müller",
    "O'Brien",
    "Kim",
    "Fischer",
    "Mensah",
    "Dubois",
    "Andersen",
    "Ivanova",
    "Sato",
    "Costa",
    "Rahman",
    "Lindqvist",
    "Moreau",
    "Park",
    "Byrne",
    "Kaur",
    "Jensen",
    "Santos",
    "Adeyemi",
    "Varga",
    "Horvat",
    "Wang",
    "Cohen",
    "Nakamura",
    "Ferreira",
    "Hughes",
    "Popescu",
    "Dimitrov",
    "Ali",
    "Yilmaz",
    "Bauer",
    "Mendes",
    "Walsh",
    "Suzuki",
    "Fernández",
    "Ortiz",
    "Lopez",
    "Reyes",
    "Banerjee",
    "Iyer",
    "Mwangi",
    "Kamau",
    "Larsen",
    "Berg",
    "Virtanen",
    "Koch",
    "Zhang",
    "Liu",
    "Huang",
    "Stewart",
    "Murphy",
    "Evans",
    "Campbell",
    "Brooks",
    "Foster",
    "Hayes",
    "Price",
    "Turner",
    "Ward",
    "Mitchell",
    "Bianchi",
    "Greco",
    "Marino",
    "Ahmadi",
    "Karimi",
    "Sørensen",
    "Nowak",
    "Wójcik",
    "Hoffmann",
    "Weber",
    "Wagner",
    "Becker",
    "Petrov",
    "Sokolova",
    "Hassan",
    "Mahmoud",
    "Osei",
    "Boateng",
    "Tran",
    "Pham",
    "Le",
    "Singh",
    "Gupta",
    "Reddy",
    "Alvarez",
    "Romero",
    "Nilsen",
];

/// A bot that authors or reviews pull requests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bot {
    /// Suffix of the person id (`bot-<key>`) and the stored provenance agent name.
    pub key: &'static str,
    pub display_name: &'static str,
    /// The GitHub login, as GitHub writes it.
    pub login: &'static str,
}

/// Every bot, AI agents first.
pub(crate) const BOTS: &[Bot] = &[
    Bot {
        key: "copilot",
        display_name: "Copilot coding agent",
        login: "copilot-swe-agent[bot]",
    },
    Bot {
        key: "claude",
        display_name: "Claude",
        login: "claude[bot]",
    },
    Bot {
        key: "cursor",
        display_name: "Cursor",
        login: "cursor[bot]",
    },
    Bot {
        key: "devin",
        display_name: "Devin",
        login: "devin-ai-integration[bot]",
    },
    Bot {
        key: "dependabot",
        display_name: "Dependabot",
        login: "dependabot[bot]",
    },
    Bot {
        key: "renovate",
        display_name: "Renovate",
        login: "renovate[bot]",
    },
];

/// Index of an AI agent in [`BOTS`].
pub(crate) const BOT_COPILOT: usize = 0;
pub(crate) const BOT_CLAUDE: usize = 1;
pub(crate) const BOT_CURSOR: usize = 2;
pub(crate) const BOT_DEVIN: usize = 3;
/// Index of the dependency updaters in [`BOTS`].
pub(crate) const BOT_DEPENDABOT: usize = 4;
pub(crate) const BOT_RENOVATE: usize = 5;

/// Lower-case ASCII letters of a name: accents dropped, apostrophes and spaces removed.
pub(crate) fn ascii_lower(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let folded = match c {
            'á' | 'à' | 'â' | 'ä' | 'å' | 'Á' | 'Å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'ø' | 'Ö' | 'Ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ł' => 'l',
            other => other,
        };
        if folded.is_ascii_alphanumeric() {
            out.push(folded.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_plain_ascii() {
        assert_eq!(ascii_lower("Tomás"), "tomas", "accents fold to ASCII");
        assert_eq!(ascii_lower("O'Brien"), "obrien", "apostrophes are dropped");
        assert_eq!(ascii_lower("Sørensen"), "sorensen", "ø folds to o");
        for name in FIRST_NAMES.iter().chain(LAST_NAMES) {
            let login = ascii_lower(name);
            assert!(
                !login.is_empty() && login.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{name} -> {login}"
            );
        }
    }

    #[test]
    fn no_person_shares_a_name_with_a_bot() {
        for bot in BOTS {
            assert!(
                !FIRST_NAMES
                    .iter()
                    .any(|f| f.eq_ignore_ascii_case(bot.display_name)),
                "a human called {} would be confused with the bot",
                bot.display_name
            );
        }
        assert!(
            BOTS[BOT_COPILOT].login.ends_with("[bot]"),
            "GitHub writes app logins with a [bot] suffix"
        );
        assert_eq!(BOTS[BOT_DEPENDABOT].key, "dependabot");
        assert_eq!(BOTS[BOT_RENOVATE].key, "renovate");
    }
}
