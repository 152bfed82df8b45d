/**
 * Long URLs and paths wrap at sensible points: after '/', '.', '-', '_' and ':' (a <wbr>),
 * instead of anywhere inside a word.
 */
import React from 'react';

export function Breakable({ text }: { text: string }): JSX.Element {
  const parts = text.split(/(?<=[/.\-_:])/);
  return (
    <>
      {parts.map((part, i) => (
        <React.Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </React.Fragment>
      ))}
    </>
  );
}
