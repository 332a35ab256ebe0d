/** The unit of a config key's value, as forms show it. */
export type KeyUnit =
  | 'fraction' // a decimal share or rate: 0.06 is 6 %
  | 'percent' // a whole percent: 6 is 6 %
  | 'multiplier' // a factor applied to a rate or probability: 1.2 is 20 % more
  | 'usd'
  | 'days'
  | 'years' // a duration in years (service, delays)
  | 'months'
  | 'hours'
  | 'count'
  | 'year' // a calendar year
  | 'month' // a month of the year, 1-12
  | 'day' // a day of the month, 1-31
  | 'date' // YYYY-MM-DD
  | 'month-day' // MM-DD, every year
  | 'age' // years of age
  | 'points' // age + years of service
  | 'level' // a job level
  | 'boolean'
  | 'text'
  | 'path' // a file or folder
  | 'enum'
  | 'list'
  | 'map'
  | 'seed'
  | 'number'; // the unit of something else (a threshold takes its metric's unit)

/** A key's unit and its description in an analyst's words. */
export type KeyText = readonly [unit: KeyUnit, description: string];
