// The product's workflow bundle: every workflow type of the public contract (src/contract/)
// is exported from here, and only those. The lifecycle workflows land with their issue;
// test-only workflows live under test/fixtures/workflows/.
export {};
