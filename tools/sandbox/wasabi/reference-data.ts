// Small, fixed reference lists for the common API (the real ones are long and rarely change).
export const REGIONS = [
  { code: 'US', standardCode: 'USA', name: 'United States' },
  { code: 'GB', standardCode: 'GBR', name: 'United Kingdom' },
  { code: 'SG', standardCode: 'SGP', name: 'Singapore' },
  { code: 'HK', standardCode: 'HKG', name: 'Hong Kong' },
  { code: 'MY', standardCode: 'MYS', name: 'Malaysia' },
];

export const CITIES = [
  { code: 'US-NY-NYC', name: 'New York', country: 'US' },
  { code: 'US-CA-SFO', name: 'San Francisco', country: 'US' },
  { code: 'GB-LND', name: 'London', country: 'GB' },
  { code: 'SG-SG', name: 'Singapore', country: 'SG' },
  { code: 'HK-HK', name: 'Hong Kong', country: 'HK' },
  { code: 'MY-KUL', name: 'Kuala Lumpur', country: 'MY' },
];

export const MOBILE_AREA_CODES = [
  { code: 'US', name: 'United States', areaCode: '+1', language: 'en', enableGlobalTransfer: true },
  { code: 'GB', name: 'United Kingdom', areaCode: '+44', language: 'en', enableGlobalTransfer: true },
  { code: 'SG', name: 'Singapore', areaCode: '+65', language: 'en', enableGlobalTransfer: false },
  { code: 'HK', name: 'Hong Kong', areaCode: '+852', language: 'zh', enableGlobalTransfer: false },
  { code: 'MY', name: 'Malaysia', areaCode: '+60', language: 'en', enableGlobalTransfer: false },
];

export const OCCUPATIONS = [
  { occupationCode: '11-1011', description: 'Chief Executives' },
  { occupationCode: '15-1252', description: 'Software Developers' },
  { occupationCode: '13-2011', description: 'Accountants and Auditors' },
  { occupationCode: '29-1141', description: 'Registered Nurses' },
  { occupationCode: '41-2031', description: 'Retail Salespersons' },
];
