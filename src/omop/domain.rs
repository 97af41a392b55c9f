//! The OMOP CDM domains the project reads and their columns (docs/formats.md §6, the team's
//! omop.md), and the dates of the `--from`/`--to` window.

use crate::error::{Error, Result};

/// A kind of clinical event: one OMOP table (note_nlp joined to note for the person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// condition_occurrence
    Condition,
    /// drug_exposure
    Drug,
    /// procedure_occurrence
    Procedure,
    /// measurement
    Measurement,
    /// observation
    Observation,
    /// device_exposure
    Device,
    /// note_nlp, joined to note (note_id) for the person and, when nlp_date is empty, the date.
    NoteNlp,
}

impl Domain {
    /// Every domain, in the order of the specification's table list.
    pub const ALL: [Domain; 7] = [
        Domain::Condition,
        Domain::Drug,
        Domain::Procedure,
        Domain::Measurement,
        Domain::Observation,
        Domain::Device,
        Domain::NoteNlp,
    ];

    /// The name users write (`--codes condition,drug`).
    pub fn name(self) -> &'static str {
        match self {
            Domain::Condition => "condition",
            Domain::Drug => "drug",
            Domain::Procedure => "procedure",
            Domain::Measurement => "measurement",
            Domain::Observation => "observation",
            Domain::Device => "device",
            Domain::NoteNlp => "note_nlp",
        }
    }

    /// The table holding the rows.
    pub fn table(self) -> &'static str {
        match self {
            Domain::Condition => "condition_occurrence",
            Domain::Drug => "drug_exposure",
            Domain::Procedure => "procedure_occurrence",
            Domain::Measurement => "measurement",
            Domain::Observation => "observation",
            Domain::Device => "device_exposure",
            Domain::NoteNlp => "note_nlp",
        }
    }

    /// The person column (`note_id` for note_nlp: the person comes from note).
    pub fn person_column(self) -> &'static str {
        match self {
            Domain::NoteNlp => "note_id",
            _ => "person_id",
        }
    }

    /// The concept id column.
    pub fn concept_column(self) -> &'static str {
        match self {
            Domain::Condition => "condition_concept_id",
            Domain::Drug => "drug_concept_id",
            Domain::Procedure => "procedure_concept_id",
            Domain::Measurement => "measurement_concept_id",
            Domain::Observation => "observation_concept_id",
            Domain::Device => "device_concept_id",
            Domain::NoteNlp => "note_nlp_concept_id",
        }
    }

    /// The start date column.
    pub fn date_column(self) -> &'static str {
        match self {
            Domain::Condition => "condition_start_date",
            Domain::Drug => "drug_exposure_start_date",
            Domain::Procedure => "procedure_date",
            Domain::Measurement => "measurement_date",
            Domain::Observation => "observation_date",
            Domain::Device => "device_exposure_start_date",
            Domain::NoteNlp => "nlp_date",
        }
    }

    /// The source value column (`--source-values`).
    pub fn source_column(self) -> &'static str {
        match self {
            Domain::Condition => "condition_source_value",
            Domain::Drug => "drug_source_value",
            Domain::Procedure => "procedure_source_value",
            Domain::Measurement => "measurement_source_value",
            Domain::Observation => "observation_source_value",
            Domain::Device => "device_source_value",
            Domain::NoteNlp => "note_nlp_source_concept_id",
        }
    }

    /// One domain by name, any letter case.
    pub fn parse(s: &str) -> Option<Domain> {
        let s = s.trim().to_ascii_lowercase();
        Domain::ALL.into_iter().find(|d| d.name() == s || d.table() == s)
    }

    /// A comma list of domains (`condition,drug`); `flag` names it in errors.
    pub fn parse_list(flag: &str, s: &str) -> Result<Vec<Domain>> {
        let expected =
            format!("a comma list of {}", Domain::ALL.iter().map(|d| d.name()).collect::<Vec<_>>().join(", "));
        let mut out = Vec::new();
        for part in s.split(',') {
            let d = Domain::parse(part).ok_or_else(|| Error::param(flag, format!("'{}'", part.trim()), &expected))?;
            if out.contains(&d) {
                return Err(Error::param(flag, format!("'{}' twice", d.name()), &expected));
            }
            out.push(d);
        }
        Ok(out)
    }
}

/// A calendar date as the number YYYYMMDD (so that dates compare as numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub u32);

impl Date {
    /// Parses `YYYY-MM-DD`, optionally followed by a time (`2010-03-05 00:00:00`,
    /// `2010-03-05T10:00`); checks the month and the day of the month.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || (b.len() > 10 && b[10] != b' ' && b[10] != b'T') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &b[r];
            part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0, |a, &c| a * 10 + (c - b'0') as u32))
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (d >= 1 && d <= days).then_some(Date(y * 10000 + m * 100 + d))
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.0 / 10000, self.0 / 100 % 100, self.0 % 100)
    }
}
