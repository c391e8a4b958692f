import type { Faker } from '@faker-js/faker';
import { round2, type Product, type User } from './model.ts';
import { DAY_MS, isoTime, sequenceId } from './random.ts';

/**
 * Users and products: the catalog seeded into Cosmos `retail`. Created during the year before the scenario
 * starts, so every event can name any of them.
 */

/** Countries with some of their cities, so that a user's city lies in the user's country. */
export const PLACES: Readonly<Record<string, readonly string[]>> = {
  'United States': ['Seattle', 'Chicago', 'Austin', 'Boston', 'Denver'],
  Canada: ['Toronto', 'Montreal', 'Vancouver', 'Calgary'],
  'United Kingdom': ['London', 'Manchester', 'Edinburgh', 'Bristol'],
  Germany: ['Berlin', 'Munich', 'Hamburg', 'Cologne'],
  France: ['Paris', 'Lyon', 'Marseille', 'Toulouse'],
  Netherlands: ['Amsterdam', 'Rotterdam', 'Utrecht'],
  Spain: ['Madrid', 'Barcelona', 'Valencia', 'Seville'],
  Italy: ['Rome', 'Milan', 'Turin', 'Naples'],
  Sweden: ['Stockholm', 'Gothenburg', 'Malmö'],
  Poland: ['Warsaw', 'Kraków', 'Wrocław'],
  Brazil: ['São Paulo', 'Rio de Janeiro', 'Curitiba'],
  India: ['Bengaluru', 'Mumbai', 'Pune', 'Hyderabad'],
  Japan: ['Tokyo', 'Osaka', 'Sapporo'],
  Australia: ['Sydney', 'Melbourne', 'Brisbane', 'Perth'],
};

const COUNTRIES = Object.keys(PLACES);

export function pickPlace(faker: Faker): { country: string; city: string } {
  const country = faker.helpers.arrayElement(COUNTRIES);
  return { country, city: faker.helpers.arrayElement(PLACES[country] ?? [country]) };
}

/** Letters and digits only: e-mail local parts from names like "D'Amore" or "José". */
function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

export function createUser(faker: Faker, n: number, startMs: number): User {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const { country, city } = pickPlace(faker);
  return {
    id: sequenceId('user', n, 6),
    fullName: `${firstName} ${lastName}`,
    // The sequence number keeps addresses unique however often faker repeats a name.
    email: `${slug(firstName)}.${slug(lastName)}${n}@example.com`,
    country,
    city,
    createdAt: isoTime(startMs - faker.number.int({ min: DAY_MS, max: 365 * DAY_MS })),
  };
}

export function createProduct(faker: Faker, n: number, startMs: number): Product {
  const category = faker.commerce.department();
  return {
    id: sequenceId('product', n, 6),
    name: faker.commerce.productName(),
    category,
    sku: `${slug(category).slice(0, 3).toUpperCase()}-${String(n).padStart(6, '0')}-${faker.string.alphanumeric({ length: 3, casing: 'upper' })}`,
    unitPrice: round2(faker.number.float({ min: 2, max: 500, fractionDigits: 2 })),
    createdAt: isoTime(startMs - faker.number.int({ min: DAY_MS, max: 365 * DAY_MS })),
  };
}
