//! Where a section of a road starts or ends, as a user names it: a place, a position, or a
//! chainage (`Trumba`, `36.8,35.86`, `km:12.5`), and its chainage on the road.

use std::fmt;
use std::str::FromStr;

use geo::Coord;

use super::{Road, RoadError};
use crate::units::trim_number;
use crate::{PlaceError, Places};

/// What can be wrong with a section end.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EndpointError {
    /// Empty text.
    #[error("expected a place name, LON,LAT or km:NUMBER")]
    Empty,
    /// `km:` followed by something that is not a number.
    #[error("`{text}`: expected km:NUMBER, as km:12.5")]
    NotAChainage {
        /// The text as given.
        text: String,
    },
    /// `km:` with a negative or infinite number.
    #[error("`{text}`: a chainage is a number of km from 0 up")]
    NegativeChainage {
        /// The text as given.
        text: String,
    },
    /// Two numbers, one of them NaN or infinite.
    #[error("`{text}` is not a position: expected LON,LAT")]
    NotAPosition {
        /// The text as given.
        text: String,
    },
    /// A position whose longitude or latitude is out of range (eastings and northings, say).
    #[error(
        "`{},{}` is not a position: expected LON,LAT with lon in [-180, 180] and lat in [-90, 90]",
        position.x, position.y
    )]
    OutOfRange {
        /// The position given, `(lon, lat)`.
        position: Coord,
    },
    /// A chainage past the road's end.
    #[error(
        "the road is {:.3} km long, so there is no km {}",
        length_m / 1_000.0,
        chainage_m / 1_000.0
    )]
    BeyondRoad {
        /// The chainage asked for, metres.
        chainage_m: f64,
        /// The road's length, metres.
        length_m: f64,
    },
    /// A position too far from the road to stand for a point on it.
    #[error(
        "the point {},{} is {distance_m:.0} m from the road (at most {max_m:.0} m; positions are LON,LAT)",
        position.x, position.y
    )]
    TooFar {
        /// The position given, `(lon, lat)`.
        position: Coord,
        /// Its distance from the road, metres.
        distance_m: f64,
        /// The limit, metres.
        max_m: f64,
    },
    /// The road refused the position.
    #[error(transparent)]
    Road(#[from] RoadError),
    /// An unknown place, or a place too far from the road.
    #[error(transparent)]
    Place(#[from] PlaceError),
}

/// Where a section of a road starts or ends.
///
/// Parsed from text: `km:12.5` is a chainage, two numbers `LON,LAT` a position, anything else
/// a place name. Displayed back the same way (a chainage as `km 12.5`).
///
/// # Examples
/// ```
/// use corridor::road::Endpoint;
/// use geo::coord;
///
/// assert_eq!("km:12.5".parse(), Ok(Endpoint::Chainage { chainage_m: 12_500.0 }));
/// // Saraqib: longitude, latitude
/// assert_eq!("36.8,35.86".parse(), Ok(Endpoint::Position(coord! { x: 36.8, y: 35.86 })));
/// assert_eq!("Trumba".parse(), Ok(Endpoint::Place("Trumba".into())));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Endpoint {
    /// A place by name, looked up in [`Places`].
    Place(String),
    /// A `(lon, lat)` position, projected onto the road. Text in another CRS parses here too;
    /// its range is checked when it is located.
    Position(Coord),
    /// A distance along the road from its start.
    Chainage {
        /// Metres from the road's start.
        chainage_m: f64,
    },
}

impl FromStr for Endpoint {
    type Err = EndpointError;

    fn from_str(s: &str) -> Result<Endpoint, EndpointError> {
        let text = s.trim();
        if let Some(km) = text.strip_prefix("km:") {
            let km: f64 = km
                .trim()
                .parse()
                .map_err(|_| EndpointError::NotAChainage { text: s.into() })?;
            if !km.is_finite() || km < 0.0 {
                return Err(EndpointError::NegativeChainage { text: s.into() });
            }
            return Ok(Endpoint::Chainage {
                chainage_m: km * 1_000.0,
            });
        }
        if let Some((a, b)) = text.split_once(',')
            && let (Ok(x), Ok(y)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>())
        {
            // The range is checked on locating: the numbers may be X,Y in another CRS.
            if !x.is_finite() || !y.is_finite() {
                return Err(EndpointError::NotAPosition { text: s.into() });
            }
            return Ok(Endpoint::Position(Coord { x, y }));
        }
        if text.is_empty() {
            return Err(EndpointError::Empty);
        }
        Ok(Endpoint::Place(text.to_string()))
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Place(name) => f.write_str(name),
            Endpoint::Position(c) => write!(f, "{},{}", c.x, c.y),
            Endpoint::Chainage { chainage_m } => write!(f, "km {}", chainage_m / 1_000.0),
        }
    }
}

/// A section end located on a road: its chainage and the name to show for it.
///
/// # Units
/// `chainage_m` in metres from the road's start.
///
/// # Examples
/// ```
/// use corridor::Road;
/// use corridor::road::EndOnRoad;
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
/// let end = EndOnRoad::end_of(&road);
/// assert_eq!(end.chainage_m, road.length_m());
/// assert_eq!(end.name, "km 9.936");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EndOnRoad {
    /// Metres along the road from its start.
    pub chainage_m: f64,
    /// The place's name as the places file spells it, `LON,LAT` as given, or `km N`.
    pub name: String,
}

impl EndOnRoad {
    /// The road's start, named `km 0`.
    ///
    /// # Examples
    /// ```
    /// use corridor::road::EndOnRoad;
    ///
    /// assert_eq!(EndOnRoad::start_of_road().name, "km 0");
    /// ```
    pub fn start_of_road() -> EndOnRoad {
        EndOnRoad {
            chainage_m: 0.0,
            name: "km 0".into(),
        }
    }

    /// The road's end, named by its length in km to the metre (`km 9.936`).
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use corridor::road::EndOnRoad;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0)]).unwrap();
    /// assert_eq!(EndOnRoad::end_of(&road).name, "km 1.113");
    /// ```
    pub fn end_of(road: &Road) -> EndOnRoad {
        EndOnRoad {
            chainage_m: road.length_m(),
            name: format!("km {}", trim_number(road.length_m() / 1_000.0, 3)),
        }
    }
}

impl Endpoint {
    /// Locates this end on `road`: a place through `places`, a position by its nearest road
    /// point; each must lie within `max_distance_m` of the road
    /// ([`DEFAULT_MAX_PLACE_DISTANCE_M`](crate::patrol::DEFAULT_MAX_PLACE_DISTANCE_M) is the
    /// usual limit). A chainage must lie on the road (up to a micrometre past its end, which
    /// counts as the end).
    ///
    /// # Errors
    /// [`EndpointError::OutOfRange`] for a position that is not a longitude, latitude;
    /// [`EndpointError::TooFar`]; [`EndpointError::BeyondRoad`]; [`EndpointError::Place`] for a
    /// name not in `places` or a place too far away.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Place, Places, Road};
    /// use corridor::road::Endpoint;
    /// use geo::{coord, line_string};
    ///
    /// // A road along the equator, and a village 100 m north of it: longitude, latitude.
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![Place::new("Village", coord! { x: 0.05, y: 0.0009 })]);
    ///
    /// let end = Endpoint::Place("village".into()).locate_on(&road, &places, 2_000.0).unwrap();
    /// assert_eq!(end.name, "Village");
    /// assert!((end.chainage_m - road.length_m() / 2.0).abs() < 0.01);
    ///
    /// let far = Endpoint::Position(coord! { x: 0.05, y: 0.1 });
    /// assert!(far.locate_on(&road, &places, 2_000.0).is_err());
    /// ```
    pub fn locate_on(
        &self,
        road: &Road,
        places: &Places,
        max_distance_m: f64,
    ) -> Result<EndOnRoad, EndpointError> {
        match self {
            Endpoint::Chainage { chainage_m } => {
                // A chainage written to the metre may overshoot the exact length a little.
                if *chainage_m > road.length_m() + 1e-6 {
                    return Err(EndpointError::BeyondRoad {
                        chainage_m: *chainage_m,
                        length_m: road.length_m(),
                    });
                }
                Ok(EndOnRoad {
                    chainage_m: chainage_m.min(road.length_m()),
                    name: self.to_string(),
                })
            }
            Endpoint::Position(p) => {
                if !(-180.0..=180.0).contains(&p.x) || !(-90.0..=90.0).contains(&p.y) {
                    return Err(EndpointError::OutOfRange { position: *p });
                }
                let at = road.locate(*p)?;
                if at.distance_m > max_distance_m {
                    return Err(EndpointError::TooFar {
                        position: *p,
                        distance_m: at.distance_m,
                        max_m: max_distance_m,
                    });
                }
                Ok(EndOnRoad {
                    chainage_m: at.chainage_m,
                    name: self.to_string(),
                })
            }
            Endpoint::Place(name) => {
                let at = places.located(road, name, max_distance_m)?;
                // The file's spelling, not the user's (`trumba` is shown as `Trumba`).
                let canonical = places.get(name)?.name.clone();
                Ok(EndOnRoad {
                    chainage_m: at.chainage_m,
                    name: canonical,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Place;
    use geo::{coord, line_string};
    use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

    #[test]
    fn endpoints_are_names_positions_or_chainages() {
        assert_eq!(
            "km:12.5".parse(),
            Ok(Endpoint::Chainage {
                chainage_m: 12_500.0
            })
        );
        assert_eq!(
            "36.8, 35.86".parse(),
            Ok(Endpoint::Position(Coord { x: 36.8, y: 35.86 }))
        );
        assert_eq!(
            "Ain al-Hawr".parse(),
            Ok(Endpoint::Place("Ain al-Hawr".into()))
        );
        assert!("35.86,NaN".parse::<Endpoint>().is_err());
        assert!("km:abc".parse::<Endpoint>().is_err());
        assert!("km:-1".parse::<Endpoint>().is_err());
        assert_eq!("  ".parse::<Endpoint>(), Err(EndpointError::Empty));
    }

    #[test]
    fn endpoints_display_as_written() {
        for text in ["Trumba", "36.8,35.86", "km 12.5"] {
            let parsed: Endpoint = text.replace("km ", "km:").parse().unwrap();
            assert_eq!(parsed.to_string(), text);
        }
    }

    /// The chainage of a position is checked against GeographicLib directly: a point placed
    /// 500 m off the road at the normal of a known chainage comes back at that chainage.
    #[test]
    fn a_position_locates_at_the_chainage_of_its_foot() {
        let geod = Geodesic::wgs84();
        let (a, b) = (coord! { x: 36.70, y: 35.86 }, coord! { x: 36.81, y: 35.87 });
        let road = Road::new(line_string![a, b]).unwrap();
        let (s12, azi1, _, _): (f64, f64, f64, f64) = geod.inverse(a.y, a.x, b.y, b.x);
        let chainage_m = 0.4 * s12;
        let (lat, lon, azi): (f64, f64, f64) = geod.direct(a.y, a.x, azi1, chainage_m);
        let (lat, lon): (f64, f64) = geod.direct(lat, lon, azi - 90.0, 500.0);
        let end = Endpoint::Position(coord! { x: lon, y: lat })
            .locate_on(&road, &Places::default(), 2_000.0)
            .unwrap();
        assert!((end.chainage_m - chainage_m).abs() < 1e-3, "{end:?}");
        assert_eq!(end.name, format!("{lon},{lat}"));
        let err = Endpoint::Position(coord! { x: lon, y: lat })
            .locate_on(&road, &Places::default(), 400.0)
            .unwrap_err();
        assert!(
            matches!(err, EndpointError::TooFar { distance_m, .. } if (distance_m - 500.0).abs() < 1e-3),
            "{err}"
        );
    }

    #[test]
    fn chainages_stay_on_the_road() {
        let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
        let none = Places::default();
        let end = |km: f64| {
            Endpoint::Chainage {
                chainage_m: km * 1_000.0,
            }
            .locate_on(&road, &none, 2_000.0)
        };
        assert_eq!(end(2.5).unwrap().chainage_m, 2_500.0);
        assert_eq!(end(2.5).unwrap().name, "km 2.5");
        // Written to the micrometre the end is the end.
        let length_km = road.length_m() / 1_000.0;
        assert_eq!(end(length_km).unwrap().chainage_m, road.length_m());
        assert_eq!(
            end(20.0).unwrap_err().to_string(),
            "the road is 11.132 km long, so there is no km 20"
        );
    }

    #[test]
    fn places_are_named_as_their_file_spells_them() {
        let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
        let places = Places::new(vec![
            Place::new("West End", coord! { x: 0.001, y: 0.001 }),
            Place::new("Far Away", coord! { x: 0.05, y: 1.0 }),
        ]);
        let end = Endpoint::Place("west end".into())
            .locate_on(&road, &places, 2_000.0)
            .unwrap();
        assert_eq!(end.name, "West End");
        let far = Endpoint::Place("Far Away".into()).locate_on(&road, &places, 2_000.0);
        assert!(matches!(
            far,
            Err(EndpointError::Place(PlaceError::TooFar { .. }))
        ));
        let unknown = Endpoint::Place("West Ent".into()).locate_on(&road, &places, 2_000.0);
        assert!(
            unknown
                .unwrap_err()
                .to_string()
                .contains("did you mean `West End`")
        );
    }

    #[test]
    fn eastings_and_northings_are_not_positions() {
        let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
        let err = Endpoint::Position(coord! { x: 300_000.0, y: 3_970_000.0 })
            .locate_on(&road, &Places::default(), 2_000.0)
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`300000,3970000` is not a position: expected LON,LAT"),
            "{err}"
        );
    }
}
