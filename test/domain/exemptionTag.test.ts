import { describe, expect, it } from 'vitest';
import { decideTagExemption, MalformedExemptionTagError, parseExemptionTag } from '../../tasks/domain/exemptionTag.js';

const NOW = new Date('2027-01-31T12:00:00Z');

describe('rectify:exempt tag', () => {
  it('parses control ids and an until: date', () => {
    expect(parseExemptionTag('EC2.19 S3.5 until:2027-01-31')).toEqual({ controls: ['EC2.19', 'S3.5'], until: '2027-01-31' });
    expect(parseExemptionTag('*')).toEqual({ controls: '*' });
  });

  it('refuses malformed values instead of guessing', () => {
    for (const value of ['', 'until:2027-01-31', 'EC2.19 until:tomorrow', 'EC2.19 until:2027-01-01 until:2027-02-01']) {
      expect(() => parseExemptionTag(value), value).toThrow(MalformedExemptionTagError);
    }
  });

  it('exempts through the end of the until: day, then says it expired', () => {
    const tags = { 'rectify:exempt': 'EC2.19 until:2027-01-31' };
    expect(decideTagExemption(tags, ['EC2.19'], NOW)?.exempt).toBe(true);
    const after = decideTagExemption(tags, ['EC2.19'], new Date('2027-02-01T00:00:00Z'));
    expect(after).toEqual({ exempt: false, reason: expect.stringContaining('expired on 2027-01-31') });
  });

  it('applies only to the controls it names, or to all with *', () => {
    expect(decideTagExemption({ 'rectify:exempt': 'S3.5' }, ['EC2.19'], NOW)?.exempt).toBe(false);
    expect(decideTagExemption({ 'rectify:exempt': '*' }, ['EC2.19'], NOW)?.exempt).toBe(true);
    expect(decideTagExemption({ other: 'x' }, ['EC2.19'], NOW)).toBeUndefined();
  });

  it('refuses impossible dates (no silent roll-over to the next month)', () => {
    // Act & Assess
    for (const value of ['EC2.19 until:2027-02-30', 'EC2.19 until:2027-13-01', 'EC2.19 until:2026-02-29']) {
      expect(() => parseExemptionTag(value), value).toThrow(MalformedExemptionTagError);
    }
    expect(parseExemptionTag('EC2.19 until:2028-02-29').until).toBe('2028-02-29');
  });

  it('matches control ids and the tag key ignoring case', () => {
    // Act & Assess
    expect(decideTagExemption({ 'rectify:exempt': 'ec2.19' }, ['EC2.19'], NOW)?.exempt).toBe(true);
    expect(decideTagExemption({ 'Rectify:Exempt': 'EC2.19' }, ['EC2.19'], NOW)?.exempt).toBe(true);
  });

  it('with two keys that differ only in case, one that exempts is enough; a malformed one still refuses', () => {
    // Act & Assess
    expect(decideTagExemption({ 'rectify:exempt': 'S3.5', 'RECTIFY:EXEMPT': 'EC2.19' }, ['EC2.19'], NOW)?.exempt).toBe(true);
    expect(() => decideTagExemption({ 'rectify:exempt': 'EC2.19', 'Rectify:exempt': 'until:nope' }, ['EC2.19'], NOW)).toThrow(MalformedExemptionTagError);
  });
});
