// The synthetic applicant of the demo, the chaos suite and the benchmark: fixed test data with an
// email of the caller's choosing, unique per flow (WasabiCard refuses a reused email per card type;
// its limit is 50 characters).

/** The sample person, with the given email. */
export function sampleApplicant(email: string) {
  return {
    email,
    mobile: { prefix: '60', number: '123456789', country: 'MY' },
    firstName: 'Demo',
    lastName: 'Cardholder',
    dateOfBirth: '1990-01-15',
    address: {
      line: '1 Jalan Demo',
      city: 'Kuala Lumpur',
      state: 'Wilayah Persekutuan',
      postCode: '50450',
      country: 'MY',
    },
    identification: { type: 'PASSPORT' as const, number: 'D1234567', expiryDate: '2032-01-01' },
    nationality: 'MY',
    gender: 'F' as const,
  };
}

/** The demo's applicant: `demo.<tag>.<run>@example.com`. */
export function applicant(run: string, tag: string) {
  return sampleApplicant(`demo.${tag}.${run}@example.com`);
}
