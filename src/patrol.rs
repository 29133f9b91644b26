//! Patrol routes along a road: the route between two named places, its checkpoints and their
//! schedule.
//!
//! A [`Patrol`] runs along the road from one place to another, in either direction of the
//! road's drawing. Its route is exactly the road between the two places' projections onto the
//! road; its checkpoints are the start, the end, every named place it passes and a kilometre
//! post (`KP 5`, `KP 10`, …) every [`PatrolOptions::checkpoint_every_km`]. Each checkpoint has a
//! chainage from the route's start and an ETA from the start time, the average speed and the
//! dwell at named places.
//!
//! # Schedule rules
//! - The clock starts at the start checkpoint: its ETA is the start time.
//! - Between checkpoints the patrol moves at the average speed.
//! - At every named place strictly between start and end it stops for the dwell time; its ETA
//!   is the arrival, and the dwell delays every later checkpoint. There is no dwell at the start
//!   or at the end.
//! - ETAs are rounded to the whole second.

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta};
use geo::Coord;

use crate::units::trim_number;
use crate::{PlaceError, Places, Road, RoadError};

/// Default distance between kilometre posts, km.
pub const DEFAULT_CHECKPOINT_EVERY_KM: f64 = 5.0;

/// Default average speed, km/h (a convoy on a damaged motorway).
pub const DEFAULT_SPEED_KMH: f64 = 40.0;

/// Default limit on how far a place may lie from the road to stand for a point on it, metres.
pub const DEFAULT_MAX_PLACE_DISTANCE_M: f64 = 2_000.0;

/// How far a drawn route (GeoJSON, GPX, KML, map page) may stray from the route: a tenth of a
/// metre, two orders below a GPS fix, and what a corridor's build allows its road at the
/// default tolerance.
pub const TRACK_SIMPLIFY_M: f64 = 0.1;

/// Most kilometre posts one route may have; more is a mistake in the interval, not a plan.
pub const MAX_KILOMETRE_POSTS: usize = 100_000;

/// Places closer than this to the route's start or end (metres along it) are that start or
/// end, not a place passed.
const END_MARGIN_M: f64 = 1.0;

/// What can be wrong with a patrol.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatrolError {
    /// A start or end place that is unknown or too far from the road.
    #[error(transparent)]
    Place(#[from] PlaceError),
    /// The road refused a chainage or section.
    #[error(transparent)]
    Road(#[from] RoadError),
    /// Start and end project onto the same point of the road.
    #[error("`{from}` and `{to}` project onto the same point of the road: the route has no length")]
    SamePoint {
        /// The start place.
        from: String,
        /// The end place.
        to: String,
    },
    /// A speed that is not a positive finite number of km/h.
    #[error("speed {speed_kmh} km/h is not allowed: it must be a positive number")]
    BadSpeed {
        /// The speed given, km/h.
        speed_kmh: f64,
    },
    /// A checkpoint interval that is not a positive finite number of km.
    #[error("checkpoint interval {every_km} km is not allowed: it must be a positive number")]
    BadInterval {
        /// The interval given, km.
        every_km: f64,
    },
    /// A dwell or turnaround time that is negative or not finite.
    #[error("{what} {minutes} min is not allowed: it must be zero or a positive number")]
    BadMinutes {
        /// Which time (`dwell`, `turnaround`).
        what: &'static str,
        /// The value given, minutes.
        minutes: f64,
    },
    /// A place-distance limit that is negative or not finite.
    #[error(
        "maximum place distance {max_m} m is not allowed: it must be zero or a positive number"
    )]
    BadMaxDistance {
        /// The limit given, metres.
        max_m: f64,
    },
    /// A start time that is not RFC 3339.
    #[error(
        "start time `{text}` is not an RFC 3339 time with offset (e.g. 2020-03-15T09:00:00+03:00): {problem}"
    )]
    BadTime {
        /// The text given.
        text: String,
        /// What the parser said.
        problem: String,
    },
    /// A schedule that leaves the calendar (absurd speeds or dwells).
    #[error("the schedule runs beyond the representable dates")]
    TimeOverflow,
    /// So many kilometre posts that the interval must be a mistake.
    #[error(
        "a checkpoint every {every_km} km gives {count} kilometre posts on this route (at most {MAX_KILOMETRE_POSTS})"
    )]
    TooManyCheckpoints {
        /// The interval, km.
        every_km: f64,
        /// How many posts that would be.
        count: usize,
    },
}

/// Start time, speed, checkpoint interval, dwell and place-distance limit of a patrol.
///
/// # Units
/// `speed_kmh` in km/h, `checkpoint_every_km` in km, `dwell_min` in minutes,
/// `max_place_distance_m` in metres.
///
/// # Examples
/// ```
/// use corridor::patrol::PatrolOptions;
///
/// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap()
///     .speed_kmh(30.0).unwrap()
///     .dwell_min(10.0).unwrap();
/// assert_eq!(options.checkpoint_every_km, 5.0);
/// assert_eq!(options.max_place_distance_m, 2_000.0);
/// assert!(options.clone().speed_kmh(0.0).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolOptions {
    /// When the patrol leaves its start, with the local UTC offset.
    pub start: DateTime<FixedOffset>,
    /// Average speed while moving, km/h.
    pub speed_kmh: f64,
    /// Distance between kilometre posts, km.
    pub checkpoint_every_km: f64,
    /// Stop at every named place passed, minutes.
    pub dwell_min: f64,
    /// How far a place may lie from the road, metres.
    pub max_place_distance_m: f64,
}

impl PatrolOptions {
    /// Options starting at `start`, with the defaults: 40 km/h, a kilometre post every 5 km,
    /// no dwell, places at most 2 km from the road.
    ///
    /// # Examples
    /// ```
    /// use chrono::DateTime;
    /// use corridor::patrol::PatrolOptions;
    ///
    /// let start = DateTime::parse_from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// assert_eq!(PatrolOptions::new(start).speed_kmh, 40.0);
    /// ```
    pub fn new(start: DateTime<FixedOffset>) -> PatrolOptions {
        PatrolOptions {
            start,
            speed_kmh: DEFAULT_SPEED_KMH,
            checkpoint_every_km: DEFAULT_CHECKPOINT_EVERY_KM,
            dwell_min: 0.0,
            max_place_distance_m: DEFAULT_MAX_PLACE_DISTANCE_M,
        }
    }

    /// Options starting at an RFC 3339 time with offset, with the defaults of
    /// [`PatrolOptions::new`].
    ///
    /// # Errors
    /// [`PatrolError::BadTime`] naming the text.
    ///
    /// # Examples
    /// ```
    /// use corridor::patrol::PatrolOptions;
    /// assert!(PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").is_ok());
    /// assert!(PatrolOptions::from_rfc3339("15 March 2020").is_err());
    /// ```
    pub fn from_rfc3339(text: &str) -> Result<PatrolOptions, PatrolError> {
        let start =
            DateTime::parse_from_rfc3339(text.trim()).map_err(|e| PatrolError::BadTime {
                text: text.to_string(),
                problem: e.to_string(),
            })?;
        Ok(PatrolOptions::new(start))
    }

    /// Sets the average speed, km/h.
    ///
    /// # Errors
    /// [`PatrolError::BadSpeed`] unless positive and finite.
    ///
    /// # Examples
    /// ```
    /// # use corridor::patrol::PatrolOptions;
    /// let o = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// assert_eq!(o.speed_kmh(60.0).unwrap().speed_kmh, 60.0);
    /// ```
    pub fn speed_kmh(mut self, speed_kmh: f64) -> Result<PatrolOptions, PatrolError> {
        if !speed_kmh.is_finite() || speed_kmh <= 0.0 {
            return Err(PatrolError::BadSpeed { speed_kmh });
        }
        self.speed_kmh = speed_kmh;
        Ok(self)
    }

    /// Sets the distance between kilometre posts, km.
    ///
    /// # Errors
    /// [`PatrolError::BadInterval`] unless positive and finite.
    ///
    /// # Examples
    /// ```
    /// # use corridor::patrol::PatrolOptions;
    /// let o = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// assert!(o.checkpoint_every_km(-1.0).is_err());
    /// ```
    pub fn checkpoint_every_km(mut self, every_km: f64) -> Result<PatrolOptions, PatrolError> {
        if !every_km.is_finite() || every_km <= 0.0 {
            return Err(PatrolError::BadInterval { every_km });
        }
        self.checkpoint_every_km = every_km;
        Ok(self)
    }

    /// Sets the stop at every named place passed, minutes.
    ///
    /// # Errors
    /// [`PatrolError::BadMinutes`] when negative or not finite.
    ///
    /// # Examples
    /// ```
    /// # use corridor::patrol::PatrolOptions;
    /// let o = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// assert_eq!(o.dwell_min(15.0).unwrap().dwell_min, 15.0);
    /// ```
    pub fn dwell_min(mut self, dwell_min: f64) -> Result<PatrolOptions, PatrolError> {
        if !dwell_min.is_finite() || dwell_min < 0.0 {
            return Err(PatrolError::BadMinutes {
                what: "dwell",
                minutes: dwell_min,
            });
        }
        self.dwell_min = dwell_min;
        Ok(self)
    }

    /// Sets how far a place may lie from the road, metres.
    ///
    /// # Errors
    /// [`PatrolError::BadMaxDistance`] when negative or not finite.
    ///
    /// # Examples
    /// ```
    /// # use corridor::patrol::PatrolOptions;
    /// let o = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// assert_eq!(o.max_place_distance_m(500.0).unwrap().max_place_distance_m, 500.0);
    /// ```
    pub fn max_place_distance_m(mut self, max_m: f64) -> Result<PatrolOptions, PatrolError> {
        if !max_m.is_finite() || max_m < 0.0 {
            return Err(PatrolError::BadMaxDistance { max_m });
        }
        self.max_place_distance_m = max_m;
        Ok(self)
    }
}

/// What a checkpoint marks.
///
/// # Examples
/// ```
/// use corridor::patrol::CheckpointKind;
/// assert_eq!(CheckpointKind::Kilometre.to_string(), "kilometre");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckpointKind {
    /// The start of the route.
    Start,
    /// A named place passed on the way.
    Place,
    /// A kilometre post (`KP 15`).
    Kilometre,
    /// The end of the route.
    End,
}

impl std::fmt::Display for CheckpointKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CheckpointKind::Start => "start",
            CheckpointKind::Place => "place",
            CheckpointKind::Kilometre => "kilometre",
            CheckpointKind::End => "end",
        })
    }
}

/// A checkpoint on a patrol route.
///
/// # Units
/// `chainage_m` in metres from the route's start; `position` `(lon, lat)` degrees.
///
/// # Examples
/// ```
/// # use corridor::{Place, Places, Road};
/// # use corridor::patrol::{CheckpointKind, Patrol, PatrolOptions};
/// # use geo::{coord, line_string};
/// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
/// let places = Places::new(vec![
///     Place::new("A", coord! { x: 0.0, y: 0.0 }),
///     Place::new("B", coord! { x: 0.2, y: 0.0 }),
/// ]);
/// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
/// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
/// let kp5 = &patrol.checkpoints()[1];
/// assert_eq!((kp5.name.as_str(), kp5.kind), ("KP 5", CheckpointKind::Kilometre));
/// assert_eq!(kp5.chainage_km(), 5.0);
/// assert_eq!(kp5.eta_rfc3339(), "2020-03-15T09:07:30+03:00"); // 5 km at 40 km/h
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// Its name: the place's, or `KP 15` for a kilometre post.
    pub name: String,
    /// What it marks.
    pub kind: CheckpointKind,
    /// Metres along the route from its start.
    pub chainage_m: f64,
    /// Its position on the route, `(lon, lat)` degrees.
    pub position: Coord,
    /// Arrival time.
    pub eta: DateTime<FixedOffset>,
    /// Departure time: the arrival plus the dwell at a named place, else the arrival.
    pub departure: DateTime<FixedOffset>,
}

impl Checkpoint {
    /// The chainage in km.
    ///
    /// # Units
    /// Kilometres.
    ///
    /// # Examples
    /// See [`Checkpoint`].
    pub fn chainage_km(&self) -> f64 {
        self.chainage_m / 1_000.0
    }

    /// The ETA as RFC 3339 with its offset, to the second (`2020-03-15T09:07:30+03:00`).
    ///
    /// # Examples
    /// See [`Checkpoint`].
    pub fn eta_rfc3339(&self) -> String {
        rfc3339(self.eta)
    }
}

/// RFC 3339 to the second with the offset kept (`+03:00`, or `Z` never: the offset is local).
pub(crate) fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A named place passed by the route, at a chainage along it.
#[derive(Debug, Clone, PartialEq)]
struct Passed {
    name: String,
    chainage_m: f64,
}

/// A patrol: its route from one place to another, its checkpoints and schedule.
///
/// # Examples
/// ```
/// use corridor::{Place, Places, Road};
/// use corridor::patrol::{Patrol, PatrolOptions};
/// use geo::{coord, line_string};
///
/// // A road drawn west to east along the equator; the patrol runs east to west.
/// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
/// let places = Places::new(vec![
///     Place::new("West", coord! { x: 0.01, y: 0.001 }), // longitude, latitude
///     Place::new("Middle", coord! { x: 0.12, y: -0.002 }),
///     Place::new("East", coord! { x: 0.19, y: 0.0 }),
/// ]);
/// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap()
///     .dwell_min(10.0).unwrap();
/// let patrol = Patrol::plan(&road, &places, "East", "West", &options).unwrap();
/// let names: Vec<_> = patrol.checkpoints().iter().map(|c| c.name.as_str()).collect();
/// assert_eq!(names, ["East", "KP 5", "Middle", "KP 10", "KP 15", "KP 20", "West"]);
/// assert!((patrol.length_m() - 20_037.51).abs() < 0.01);
/// // 20.04 km at 40 km/h is 30 min 3 s, plus 10 min at Middle.
/// assert_eq!(patrol.end().to_rfc3339(), "2020-03-15T09:40:03+03:00");
/// ```
#[derive(Debug, Clone)]
pub struct Patrol {
    from: String,
    to: String,
    route: Road,
    options: PatrolOptions,
    passed: Vec<Passed>,
    checkpoints: Vec<Checkpoint>,
    /// The route's vertices kept when it is drawn (see [`Patrol::route_line`]), worked out once.
    track: std::sync::OnceLock<Vec<usize>>,
}

impl Patrol {
    /// Plans a patrol along `road` from the place named `from` to the place named `to` (in
    /// either direction of the road's drawing).
    ///
    /// The route is exactly the road between the two places' projections. Every other place
    /// within [`PatrolOptions::max_place_distance_m`] of the road whose projection lies on the
    /// route becomes a checkpoint at its projection.
    ///
    /// # Errors
    /// [`PatrolError::Place`] naming an unknown place (with a suggestion) or a start or end
    /// farther from the road than the limit; [`PatrolError::SamePoint`] when both project onto
    /// the same road point; [`PatrolError::TooManyCheckpoints`], [`PatrolError::TimeOverflow`].
    ///
    /// # Examples
    /// ```
    /// use corridor::{Place, Places, Road};
    /// use corridor::patrol::{Patrol, PatrolOptions};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("Near", coord! { x: 0.0, y: 0.0 }),
    ///     Place::new("Far", coord! { x: 0.1, y: 0.1 }), // 11 km north of the road
    /// ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// let err = Patrol::plan(&road, &places, "Near", "Far", &options).unwrap_err();
    /// assert!(err.to_string().starts_with("place `Far` is 11057 m from the road"));
    /// let err = Patrol::plan(&road, &places, "Near", "Nowhere", &options).unwrap_err();
    /// assert_eq!(err.to_string(), "unknown place `Nowhere`");
    /// ```
    pub fn plan(
        road: &Road,
        places: &Places,
        from: &str,
        to: &str,
        options: &PatrolOptions,
    ) -> Result<Patrol, PatrolError> {
        let max_m = options.max_place_distance_m;
        let from_place = places.get(from)?;
        let to_place = places.get(to)?;
        let a = places.located(road, from, max_m)?;
        let b = places.located(road, to, max_m)?;
        let route = road
            .section_m(a.chainage_m, b.chainage_m)
            .map_err(|e| match e {
                RoadError::EmptySection { .. } => PatrolError::SamePoint {
                    from: from_place.name.clone(),
                    to: to_place.name.clone(),
                },
                other => PatrolError::Road(other),
            })?;
        let (lo, hi) = (
            a.chainage_m.min(b.chainage_m),
            a.chainage_m.max(b.chainage_m),
        );
        let mut passed = Vec::new();
        for place in places.iter() {
            if place.name == from_place.name || place.name == to_place.name {
                continue;
            }
            // A place that cannot be located or lies too far off is simply not passed.
            let Ok(at) = place.locate_on(road) else {
                continue;
            };
            if at.distance_m > max_m || at.chainage_m <= lo || at.chainage_m >= hi {
                continue;
            }
            let chainage_m = (at.chainage_m - a.chainage_m).abs();
            if chainage_m < END_MARGIN_M || chainage_m > route.length_m() - END_MARGIN_M {
                continue;
            }
            passed.push(Passed {
                name: place.name.clone(),
                chainage_m,
            });
        }
        Patrol::assemble(
            from_place.name.clone(),
            to_place.name.clone(),
            route,
            passed,
            options.clone(),
        )
    }

    /// Builds the checkpoints and their schedule on a route.
    fn assemble(
        from: String,
        to: String,
        route: Road,
        mut passed: Vec<Passed>,
        options: PatrolOptions,
    ) -> Result<Patrol, PatrolError> {
        passed.sort_by(|p, q| p.chainage_m.total_cmp(&q.chainage_m));
        let length_m = route.length_m();
        let every_m = options.checkpoint_every_km * 1_000.0;
        let posts = (length_m / every_m).floor();
        if posts > MAX_KILOMETRE_POSTS as f64 {
            return Err(PatrolError::TooManyCheckpoints {
                every_km: options.checkpoint_every_km,
                count: posts as usize,
            });
        }
        let mut marks: Vec<(String, CheckpointKind, f64)> =
            vec![(from.clone(), CheckpointKind::Start, 0.0)];
        marks.extend(
            passed
                .iter()
                .map(|p| (p.name.clone(), CheckpointKind::Place, p.chainage_m)),
        );
        for k in 1..=(posts as usize) {
            let chainage_m = k as f64 * every_m;
            // A post that would sit on the end is the end.
            if chainage_m < length_m - END_MARGIN_M {
                marks.push((
                    // Named to the metre: at most 3 decimals of a km.
                    format!(
                        "KP {}",
                        trim_number(k as f64 * options.checkpoint_every_km, 3)
                    ),
                    CheckpointKind::Kilometre,
                    chainage_m,
                ));
            }
        }
        marks.push((to.clone(), CheckpointKind::End, length_m));
        // Stable: at equal chainage a place stays before a kilometre post.
        marks.sort_by(|p, q| p.2.total_cmp(&q.2));
        let mut patrol = Patrol {
            from,
            to,
            route,
            options,
            passed,
            checkpoints: Vec::with_capacity(marks.len()),
            track: std::sync::OnceLock::new(),
        };
        let dwell = patrol.dwell()?;
        for (name, kind, chainage_m) in marks {
            let eta = patrol.time_at_m(chainage_m)?;
            let departure = if kind == CheckpointKind::Place {
                eta.checked_add_signed(dwell)
                    .ok_or(PatrolError::TimeOverflow)?
            } else {
                eta
            };
            let position = patrol.route.point_at(chainage_m.min(length_m))?;
            patrol.checkpoints.push(Checkpoint {
                name,
                kind,
                chainage_m,
                position,
                eta,
                departure,
            });
        }
        Ok(patrol)
    }

    fn dwell(&self) -> Result<TimeDelta, PatrolError> {
        seconds(self.options.dwell_min * 60.0)
    }

    /// The arrival time at a chainage of the route: the start time plus the time moving plus
    /// the dwell at every named place strictly before it, rounded to the second.
    ///
    /// # Errors
    /// [`PatrolError::Road`] for a chainage outside the route, [`PatrolError::TimeOverflow`].
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Place, Places, Road};
    /// # use corridor::patrol::{Patrol, PatrolOptions};
    /// # use geo::{coord, line_string};
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("A", coord! { x: 0.0, y: 0.0 }),
    ///     Place::new("B", coord! { x: 0.2, y: 0.0 }),
    /// ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap()
    ///     .speed_kmh(60.0).unwrap();
    /// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
    /// assert_eq!(patrol.time_at_m(1_000.0).unwrap().to_rfc3339(), "2020-03-15T09:01:00+03:00");
    /// ```
    pub fn time_at_m(&self, chainage_m: f64) -> Result<DateTime<FixedOffset>, PatrolError> {
        let length_m = self.route.length_m();
        if !chainage_m.is_finite() || !(-1e-9..=length_m + 1e-9).contains(&chainage_m) {
            return Err(RoadError::ChainageOutOfRange {
                chainage_m,
                length_m,
            }
            .into());
        }
        let stops = self
            .passed
            .iter()
            .filter(|p| p.chainage_m < chainage_m)
            .count();
        let moving_s = chainage_m / (self.options.speed_kmh / 3.6);
        let total_s = moving_s + stops as f64 * self.options.dwell_min * 60.0;
        self.options
            .start
            .checked_add_signed(seconds(total_s)?)
            .ok_or(PatrolError::TimeOverflow)
    }

    /// The patrol back: from this one's end to its start on the same road, leaving
    /// `turnaround_min` minutes after this one arrives, with the same speed, interval and dwell.
    /// Its chainages and kilometre posts count from its own start.
    ///
    /// # Errors
    /// [`PatrolError::BadMinutes`] for a negative or non-finite turnaround,
    /// [`PatrolError::TimeOverflow`].
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Place, Places, Road};
    /// # use corridor::patrol::{Patrol, PatrolOptions};
    /// # use geo::{coord, line_string};
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("A", coord! { x: 0.0, y: 0.0 }),
    ///     Place::new("B", coord! { x: 0.1, y: 0.0 }),
    /// ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// let there = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
    /// let back = there.return_leg(30.0).unwrap();
    /// assert_eq!((back.from(), back.to()), ("B", "A"));
    /// assert_eq!(back.start(), there.end() + chrono::TimeDelta::minutes(30));
    /// ```
    pub fn return_leg(&self, turnaround_min: f64) -> Result<Patrol, PatrolError> {
        if !turnaround_min.is_finite() || turnaround_min < 0.0 {
            return Err(PatrolError::BadMinutes {
                what: "turnaround",
                minutes: turnaround_min,
            });
        }
        let route = self.route.reversed();
        let length_m = route.length_m();
        let passed = self
            .passed
            .iter()
            .map(|p| Passed {
                name: p.name.clone(),
                chainage_m: (length_m - p.chainage_m).max(0.0),
            })
            .collect();
        let mut options = self.options.clone();
        options.start = self
            .end()
            .checked_add_signed(seconds(turnaround_min * 60.0)?)
            .ok_or(PatrolError::TimeOverflow)?;
        Patrol::assemble(self.to.clone(), self.from.clone(), route, passed, options)
    }

    /// The name of the start place.
    ///
    /// # Examples
    /// See [`Patrol::return_leg`].
    pub fn from(&self) -> &str {
        &self.from
    }

    /// The name of the end place.
    ///
    /// # Examples
    /// See [`Patrol::return_leg`].
    pub fn to(&self) -> &str {
        &self.to
    }

    /// The route: exactly the road between the two places' projections, in the direction of
    /// the patrol.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Place, Places, Road};
    /// # use corridor::patrol::{Patrol, PatrolOptions};
    /// # use geo::{coord, line_string};
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("A", coord! { x: 0.02, y: 0.0 }),
    ///     Place::new("B", coord! { x: 0.08, y: 0.0 }),
    /// ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// let back = Patrol::plan(&road, &places, "B", "A", &options).unwrap();
    /// assert!((back.route().coords()[0].x - 0.08).abs() < 1e-12);
    /// ```
    pub fn route(&self) -> &Road {
        &self.route
    }

    /// Geodesic length of the route, metres.
    ///
    /// # Units
    /// Metres.
    ///
    /// # Examples
    /// See [`Patrol`].
    pub fn length_m(&self) -> f64 {
        self.route.length_m()
    }

    /// The options it was planned with (for a return leg, its own start time).
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Place, Places, Road};
    /// # use corridor::patrol::{Patrol, PatrolOptions};
    /// # use geo::{coord, line_string};
    /// # let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// # let places = Places::new(vec![
    /// #     Place::new("A", coord! { x: 0.0, y: 0.0 }),
    /// #     Place::new("B", coord! { x: 0.1, y: 0.0 }),
    /// # ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
    /// assert_eq!(patrol.options().speed_kmh, 40.0);
    /// ```
    pub fn options(&self) -> &PatrolOptions {
        &self.options
    }

    /// When the patrol leaves its start.
    ///
    /// # Examples
    /// See [`Patrol::return_leg`].
    pub fn start(&self) -> DateTime<FixedOffset> {
        self.options.start
    }

    /// When the patrol arrives at its end.
    ///
    /// # Examples
    /// See [`Patrol`].
    pub fn end(&self) -> DateTime<FixedOffset> {
        self.checkpoints
            .last()
            .map_or(self.options.start, |c| c.eta)
    }

    /// The checkpoints in route order: start, places passed and kilometre posts, end.
    ///
    /// # Examples
    /// See [`Patrol`].
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// The route as timed points for a track: every route vertex and checkpoint with the time
    /// the patrol is there, in route order. A named place with a dwell appears twice, at
    /// arrival and at departure.
    ///
    /// # Errors
    /// [`PatrolError::TimeOverflow`].
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Place, Places, Road};
    /// # use corridor::patrol::{Patrol, PatrolOptions};
    /// # use geo::{coord, line_string};
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.05, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("A", coord! { x: 0.0, y: 0.0 }),
    ///     Place::new("M", coord! { x: 0.03, y: 0.0 }),
    ///     Place::new("B", coord! { x: 0.1, y: 0.0 }),
    /// ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap()
    ///     .dwell_min(5.0).unwrap();
    /// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
    /// let track = patrol.timed_track().unwrap();
    /// // A, M (arrive), M (leave), KP 5, the vertex at 0.05°, KP 10, B
    /// assert_eq!(track.len(), 7);
    /// assert_eq!(track.last().unwrap().1, patrol.end());
    /// ```
    pub fn timed_track(&self) -> Result<Vec<(Coord, DateTime<FixedOffset>)>, PatrolError> {
        let mut points: Vec<(f64, Coord, DateTime<FixedOffset>)> = Vec::new();
        let (coords, chainages) = (self.route.coords(), self.route.vertex_chainages_m());
        for &k in self.track_vertices() {
            points.push((chainages[k], coords[k], self.time_at_m(chainages[k])?));
        }
        for cp in &self.checkpoints {
            points.push((cp.chainage_m, cp.position, cp.eta));
            if cp.departure != cp.eta {
                points.push((cp.chainage_m, cp.position, cp.departure));
            }
        }
        points.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.2.cmp(&q.2)));
        // A vertex that coincides with a checkpoint (the two ends always do) appears once.
        points.dedup_by(|q, p| (q.0 - p.0).abs() < 1e-6 && q.2 == p.2);
        Ok(points.into_iter().map(|(_, c, t)| (c, t)).collect())
    }

    /// The indices of the route's vertices a drawn route keeps: those of the route simplified
    /// within [`TRACK_SIMPLIFY_M`] (geodesic distance), so that a 100,000-point GPS log does not
    /// become a 100,000-point GPX track (GPS units keep 10,000 at most).
    pub(crate) fn track_vertices(&self) -> &[usize] {
        self.track
            .get_or_init(|| crate::corridor::simplified_line(&self.route, TRACK_SIMPLIFY_M).0)
    }

    /// The route as drawn in the outputs: its vertices within [`TRACK_SIMPLIFY_M`] of the route
    /// (the GeoJSON route, the map page and the KML; the GPX track adds the checkpoints).
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Place, Places, Road};
    /// # use corridor::patrol::{Patrol, PatrolOptions};
    /// # use geo::{coord, line_string};
    /// // 1.1 km along the equator in four straight steps.
    /// let road = Road::new(line_string![
    ///     (x: 0.0, y: 0.0), (x: 0.0025, y: 0.0), (x: 0.005, y: 0.0), (x: 0.0075, y: 0.0), (x: 0.01, y: 0.0)
    /// ]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("A", coord! { x: 0.0, y: 0.0 }),
    ///     Place::new("B", coord! { x: 0.01, y: 0.0 }),
    /// ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
    /// // The end segments stay as drawn; the vertex in the middle changes nothing and goes.
    /// assert_eq!(patrol.route_line().0.len(), 4);
    /// ```
    pub fn route_line(&self) -> geo::LineString {
        let coords = self.route.coords();
        geo::LineString(self.track_vertices().iter().map(|&k| coords[k]).collect())
    }

    /// The schedule as plain text, one checkpoint a line: name, chainage (km), ETA, and the
    /// departure where there is a dwell.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Place, Places, Road};
    /// # use corridor::patrol::{Patrol, PatrolOptions};
    /// # use geo::{coord, line_string};
    /// # let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.05, y: 0.0)]).unwrap();
    /// # let places = Places::new(vec![
    /// #     Place::new("A", coord! { x: 0.0, y: 0.0 }),
    /// #     Place::new("B", coord! { x: 0.05, y: 0.0 }),
    /// # ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
    /// let table = patrol.schedule_table();
    /// assert!(table.lines().nth(1).unwrap().starts_with("A "));
    /// assert!(table.contains("2020-03-15T09:08:21+03:00"));
    /// ```
    pub fn schedule_table(&self) -> String {
        let width = self
            .checkpoints
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("checkpoint".len());
        let mut out = format!(
            "{:<width$}  {:>8}  {:<25}  {}\n",
            "checkpoint", "km", "eta", "departs"
        );
        for c in &self.checkpoints {
            let departs = if c.departure != c.eta {
                rfc3339(c.departure)
            } else {
                String::new()
            };
            out.push_str(
                format!(
                    "{:<width$}  {:>8.2}  {:<25}  {}",
                    c.name,
                    c.chainage_km(),
                    c.eta_rfc3339(),
                    departs
                )
                .trim_end(),
            );
            out.push('\n');
        }
        out
    }
}

/// A duration of `s` seconds rounded to the whole second.
fn seconds(s: f64) -> Result<TimeDelta, PatrolError> {
    let rounded = s.round();
    // i64 seconds overflow long before f64 does; TimeDelta has its own narrower range.
    if !rounded.is_finite() || rounded.abs() > 1e15 {
        return Err(PatrolError::TimeOverflow);
    }
    TimeDelta::try_seconds(rounded as i64).ok_or(PatrolError::TimeOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Place;
    use geo::{coord, line_string};

    fn setup() -> (Road, Places, PatrolOptions) {
        let road =
            Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
        let places = Places::new(vec![
            Place::new("West", coord! { x: 0.0, y: 0.0 }),
            Place::new("Mid", coord! { x: 0.1, y: 0.001 }),
            Place::new("Off", coord! { x: 0.15, y: 0.05 }),
            Place::new("East", coord! { x: 0.2, y: 0.0 }),
        ]);
        let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00")
            .unwrap()
            .dwell_min(10.0)
            .unwrap();
        (road, places, options)
    }

    #[test]
    fn places_far_from_the_road_are_not_checkpoints() {
        let (road, places, options) = setup();
        let patrol = Patrol::plan(&road, &places, "West", "East", &options).unwrap();
        assert!(patrol.checkpoints().iter().all(|c| c.name != "Off"));
        assert!(patrol.checkpoints().iter().any(|c| c.name == "Mid"));
    }

    #[test]
    fn dwell_delays_only_later_checkpoints() {
        let (road, places, options) = setup();
        let patrol = Patrol::plan(&road, &places, "West", "East", &options).unwrap();
        let mid = patrol
            .checkpoints()
            .iter()
            .find(|c| c.name == "Mid")
            .unwrap();
        assert_eq!(mid.departure - mid.eta, TimeDelta::minutes(10));
        let no_dwell = Patrol::plan(
            &road,
            &places,
            "West",
            "East",
            &options.clone().dwell_min(0.0).unwrap(),
        )
        .unwrap();
        assert_eq!(patrol.end() - no_dwell.end(), TimeDelta::minutes(10));
        let mid0 = no_dwell
            .checkpoints()
            .iter()
            .find(|c| c.name == "Mid")
            .unwrap();
        assert_eq!(mid.eta, mid0.eta);
    }

    #[test]
    fn return_leg_mirrors_places() {
        let (road, places, options) = setup();
        let there = Patrol::plan(&road, &places, "West", "East", &options).unwrap();
        let back = there.return_leg(0.0).unwrap();
        let mid_there = there
            .checkpoints()
            .iter()
            .find(|c| c.name == "Mid")
            .unwrap();
        let mid_back = back.checkpoints().iter().find(|c| c.name == "Mid").unwrap();
        assert!((mid_there.chainage_m + mid_back.chainage_m - there.length_m()).abs() < 1e-6);
        assert!(crate::geodesic::distance_m(mid_there.position, mid_back.position) < 1e-6);
        assert_eq!(back.start(), there.end());
    }

    #[test]
    fn same_point_is_a_clear_error() {
        let (road, mut places, options) = setup();
        places = Places::new(
            places
                .iter()
                .cloned()
                .chain([Place::new("Twin", coord! { x: 0.0, y: 0.0005 })])
                .collect(),
        );
        let err = Patrol::plan(&road, &places, "West", "Twin", &options).unwrap_err();
        assert_eq!(
            err,
            PatrolError::SamePoint {
                from: "West".into(),
                to: "Twin".into()
            }
        );
    }

    #[test]
    fn too_many_posts_is_refused() {
        let (road, places, options) = setup();
        let options = options.checkpoint_every_km(1e-6).unwrap();
        assert!(matches!(
            Patrol::plan(&road, &places, "West", "East", &options),
            Err(PatrolError::TooManyCheckpoints { .. })
        ));
    }
}
