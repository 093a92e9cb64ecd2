use std::ops::Range;

use leptos::prelude::*;

use crate::components::later::in_own_task;

/// A long table's rows as markup, in `<tbody>`s of `per_body` rows each
/// (the last takes whatever is left): the first drawn with the table, each
/// other a frame after the one before. The whole table drawn at once was one
/// long task on a phone: building the markup, parsing it, and styling and
/// laying it out in the next frame. A few rows at a time, the browser keeps
/// what it did already and does only the new rows.
///
/// `html` draws the rows in a range, clamped by the caller to the rows it
/// has ([`within`]): a filter that leaves fewer rows empties the last
/// bodies. It is reactive: a body whose rows change is drawn again, alone.
/// `rows` is how many rows the first drawing has, which sets the number of
/// bodies (see [`span`]).
#[component]
pub fn ChunkedBodies<F>(rows: usize, per_body: usize, html: F) -> impl IntoView
where
    F: Fn(Range<usize>) -> String + Clone + Send + Sync + 'static,
{
    let bodies = bodies(rows, per_body);
    let drawn = RwSignal::new(1_usize);
    Effect::new(move || {
        if drawn.get() < bodies {
            request_animation_frame(move || {
                in_own_task(move || {
                    drawn.try_update(|n| *n += 1);
                })
            });
        }
    });
    (0..bodies)
        .map(|i| {
            let html = html.clone();
            // Its turn, once: the bodies drawn before are not told again.
            let due = Memo::new(move |_| drawn.get() > i);
            let markup = move || if due.get() { html(span(i, per_body, bodies)) } else { String::new() };
            view! { <tbody inner_html=markup></tbody> }
        })
        .collect_view()
}

/// How many bodies `rows` rows take, `per_body` a body (one at least).
pub fn bodies(rows: usize, per_body: usize) -> usize {
    rows.div_ceil(per_body.max(1)).max(1)
}

/// The rows body `i` of `bodies` holds: `per_body` of them, and the last
/// everything after (rows a later drawing adds).
pub fn span(i: usize, per_body: usize, bodies: usize) -> Range<usize> {
    let from = i * per_body;
    from..if i + 1 == bodies { usize::MAX } else { from + per_body }
}

/// Where row `row` is: its body, and its place in that body ([`span`]'s
/// inverse, for a caller that redraws one row's cell in place).
pub fn place(row: usize, per_body: usize, bodies: usize) -> (usize, usize) {
    let body = (row / per_body.max(1)).min(bodies - 1);
    (body, row - body * per_body)
}

/// `range` within the `len` rows there are.
pub fn within(range: Range<usize>, len: usize) -> Range<usize> {
    range.start.min(len)..range.end.min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_in_exactly_one_body() {
        for (rows, per) in [(0, 15), (1, 15), (15, 15), (16, 15), (72, 15), (72, 12), (113, 20)] {
            let n = bodies(rows, per);
            let mut seen = Vec::new();
            for i in 0..n {
                let r = within(span(i, per, n), rows);
                assert!(r.len() <= per || i + 1 == n, "{rows}/{per}: body {i} holds {r:?}");
                seen.extend(r);
            }
            assert_eq!(seen, (0..rows).collect::<Vec<_>>(), "{rows}/{per}");
            for i in 0..n {
                for (k, row) in within(span(i, per, n), rows + 2 * per).enumerate() {
                    assert_eq!(place(row, per, n), (i, k), "{rows}/{per}: row {row}");
                }
            }
        }
        assert_eq!(bodies(72, 15), 5);
        assert_eq!(bodies(0, 15), 1);
    }

    #[test]
    fn the_last_body_takes_rows_a_later_drawing_adds() {
        let n = bodies(30, 15);
        assert_eq!(within(span(n - 1, 15, n), 40), 15..40);
        // And a filter that leaves fewer rows empties the later bodies.
        assert_eq!(within(span(1, 15, n), 4), 4..4);
    }
}
