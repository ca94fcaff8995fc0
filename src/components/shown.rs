//! `shown_when`: a view present only while a condition holds, in place of Leptos's `<Show>`;
//! and the other reactive helpers that box their closures, so that Leptos's generic code is
//! compiled once per value type instead of once per closure.

use leptos::prelude::*;

/// `view` while `when` is true. The condition is memoised, so the view is built when it turns
/// true and dropped when it turns false, never rebuilt because something else changed (as with
/// `<Show>`). A plain function: `<Show>`'s component and children machinery cost about 1.2 KB of
/// wasm in all at the ten places that used it (254.4 -> 253.2 KB gzip).
pub fn shown_when<V: IntoView + 'static>(
    when: impl Fn() -> bool + Send + Sync + 'static,
    view: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    shown_any(Box::new(when), Box::new(move || view().into_any()))
}

/// The part that does not depend on the view's type: one copy of the memo and of the optional
/// view's render code for all the places, not one per place.
fn shown_any(
    when: Box<dyn Fn() -> bool + Send + Sync>,
    view: Box<dyn Fn() -> AnyView + Send + Sync>,
) -> impl IntoView {
    let visible = memo_any(when);
    some_any(Box::new(move || visible.get().then(&view)))
}

/// The view `view` answers, nothing while it answers `None`; re-run whenever what it reads
/// changes (as `move || option.map(..)` is). Erased like [`shown_when`]: one copy of the
/// optional view's render code for all the places.
pub fn shown_some<V: IntoView + 'static>(
    view: impl Fn() -> Option<V> + Send + Sync + 'static,
) -> impl IntoView {
    some_any(Box::new(move || view().map(IntoAny::into_any)))
}

/// The one reactive view type all the helpers here end in (`rebuilt` answers `Some` always),
/// so Leptos's render-effect code for a reactive child is compiled once for the whole app.
fn some_any(view: Box<dyn Fn() -> Option<AnyView> + Send + Sync>) -> impl IntoView {
    move || view()
}

/// The view `view` answers, rebuilt whenever what it reads changes (as `move || ..` is).
/// Erased like [`shown_when`]: one copy of the reactive view's render code for all the places.
pub fn rebuilt<V: IntoView + 'static>(
    view: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    any_of(Box::new(move || view().into_any()))
}

fn any_of(view: Box<dyn Fn() -> AnyView + Send + Sync>) -> impl IntoView {
    some_any(Box::new(move || Some(view())))
}

/// `Memo::new` over a boxed computation: one copy of the memo's code per value type (the
/// inventory's row lists are four memos), not one per closure.
pub fn memo<T: PartialEq + Send + Sync + 'static>(
    compute: impl Fn() -> T + Send + Sync + 'static,
) -> Memo<T> {
    memo_any(Box::new(compute))
}

fn memo_any<T: PartialEq + Send + Sync + 'static>(
    compute: Box<dyn Fn() -> T + Send + Sync>,
) -> Memo<T> {
    Memo::new(move |_| compute())
}

/// `Effect::new` over a boxed closure: one copy of the effect's code for all the places.
pub fn effect(run: impl Fn() + 'static) {
    effect_any(Box::new(run));
}

fn effect_any(run: Box<dyn Fn()>) {
    Effect::new(move |_| run());
}

/// `collect_view` into one list type: each item becomes an `AnyView`, so Leptos's list code
/// (build, rebuild, mount) is compiled once for `Vec<AnyView>` instead of once per element type.
pub trait CollectAny {
    fn collect_any(self) -> Vec<AnyView>;
}

impl<I: Iterator> CollectAny for I
where
    I::Item: IntoView,
{
    fn collect_any(self) -> Vec<AnyView> {
        let mut out = Vec::new();
        for item in self {
            out.push(item.into_any());
        }
        out
    }
}

/// An optional view as `Option<AnyView>`, for the same reason as [`CollectAny`]: Leptos's
/// code for an optional child (build, rebuild, mount) is then compiled once, not once per
/// element type.
pub trait OptionAny {
    fn any_view(self) -> Option<AnyView>;
}

impl<V: IntoView> OptionAny for Option<V> {
    fn any_view(self) -> Option<AnyView> {
        self.map(IntoAny::into_any)
    }
}

/// A value held outside the reactive graph and read and set as a signal's is: `with` tracks a
/// `bool` signal (a type the app has anyway) and `set` sets it. A `RwSignal` of a type of its
/// own was a copy of Leptos's signal code (read, read untracked, set) for that type alone.
/// A `RwLock`, as a signal's value is in: reads may nest.
pub struct Held<T> {
    value: std::sync::Arc<std::sync::RwLock<T>>,
    changed: RwSignal<bool>,
}

impl<T> Clone for Held<T> {
    fn clone(&self) -> Self {
        Held {
            value: self.value.clone(),
            changed: self.changed,
        }
    }
}

impl<T> Held<T> {
    pub fn new(value: T) -> Self {
        Held {
            value: std::sync::Arc::new(std::sync::RwLock::new(value)),
            changed: RwSignal::new(false),
        }
    }

    /// Reads the value, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.changed.track();
        self.with_untracked(f)
    }

    /// Reads the value without tracking it.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self
            .value
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Replaces the value, then tells whoever tracks it (always, as `RwSignal::set` does).
    pub fn set(&self, value: T) {
        *self
            .value
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = value;
        self.changed.set(true);
    }
}
