//! Data loaded from the API for a page, as a resource.
//!
//! Every page's resource is a Leptos `LocalResource`, but of one type: the
//! loaded value is kept type-erased and the loading future boxed, so Leptos's
//! async machinery (`ArcAsyncDerived` and its futures) is compiled into the
//! wasm once rather than once per kind of answer. [`Fetched<T>`] puts the type
//! back at its edges: it is made from a typed future and read as a `T`.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;

use crate::api::FetchError;

/// A loaded value of any type.
pub type Value = Arc<dyn Any + Send + Sync>;
/// What every resource holds once loaded.
pub type Loaded = Result<Value, FetchError>;
type Load = Pin<Box<dyn Future<Output = Loaded>>>;

/// A resource holding a `T` loaded from the API (or the error it failed
/// with). `Copy`, like the `LocalResource` it wraps.
pub struct Fetched<T> {
    raw: LocalResource<Loaded>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Fetched<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Fetched<T> {}

impl<T: Clone + Send + Sync + 'static> Fetched<T> {
    /// Loads with `fetch`, and again whenever a signal it reads changes or
    /// on [`Fetched::refetch`].
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<T, FetchError>> + 'static,
    {
        let load = move || -> Load {
            let pending = fetch();
            Box::pin(async move { pending.await.map(|v| Arc::new(v) as Value) })
        };
        Self { raw: erased(Box::new(load)), ty: PhantomData }
    }

    /// The value (tracked), once loaded.
    pub fn get(&self) -> Option<Result<T, FetchError>> {
        typed(self.raw.get())
    }

    /// The value (untracked), once loaded.
    pub fn get_untracked(&self) -> Option<Result<T, FetchError>> {
        typed(self.raw.get_untracked())
    }
}

impl<T> Fetched<T> {
    /// Loads again.
    pub fn refetch(&self) {
        self.raw.refetch();
    }

    /// The type-erased resource (for [`crate::components::async_view`]).
    pub fn raw(&self) -> LocalResource<Loaded> {
        self.raw
    }
}

/// The `T` in a value a [`Fetched<T>`] loaded.
pub fn value_of<T: Clone + 'static>(v: &Value) -> T {
    // A Fetched<T> only ever stores a T (see `Fetched::new`).
    v.downcast_ref::<T>().cloned().expect("a Fetched<T> holds a T")
}

/// A loaded value as the `T` it is.
fn typed<T: Clone + 'static>(loaded: Option<Loaded>) -> Option<Result<T, FetchError>> {
    match loaded? {
        Ok(v) => Some(Ok(value_of(&v))),
        Err(e) => Some(Err(e)),
    }
}

/// The one place a resource is made: one instantiation for every page.
fn erased(load: Box<dyn Fn() -> Load>) -> LocalResource<Loaded> {
    LocalResource::new(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loaded_value_reads_back_as_its_type() {
        let v: Value = Arc::new(vec![String::from("پنجره")]);
        assert_eq!(value_of::<Vec<String>>(&v), vec!["پنجره".to_owned()]);
        assert_eq!(typed::<Vec<String>>(Some(Ok(v))), Some(Ok(vec!["پنجره".to_owned()])));
        assert_eq!(typed::<u32>(None), None);
        let failed = FetchError::NotFound { request_id: None };
        assert_eq!(typed::<u32>(Some(Err(failed.clone()))), Some(Err(failed)));
    }

    #[test]
    #[should_panic(expected = "a Fetched<T> holds a T")]
    fn another_type_is_a_bug() {
        let v: Value = Arc::new(1_u8);
        let _ = value_of::<u32>(&v);
    }
}
