// Types for the progress-widgets entry point (progress-widgets.js).
import type { WidgetHandle } from "./progress_widgets.js";

export type { WidgetHandle };
export { default as init, default, initSync } from "./progress_widgets.js";

/** An id: a string, or an integer (kept exact only up to 2^53: pass long ids as strings). */
export type Id = string | number;

/** Options of `mountBattlepass`. */
export interface BattlepassOptions {
  /** Base URL of the progress proxy, absolute or relative to the page. */
  proxyUrl: string;
  /** The game's own player id. Absent or empty: the guest view of `battlepassId`'s season;
   * `update({playerId, gameId, playerToken})` after the page's sign-in turns it into the
   * player's view, keeping the season on screen. */
  playerId?: Id;
  /** The Whalepass game id (required with `playerId`). */
  gameId?: Id;
  /** A specific (e.g. draft) battle pass instead of the game's active one; without `playerId`,
   * the season the guest view shows. */
  battlepassId?: Id;
  /** Seconds between background refreshes; 0 turns them off. Default 60. */
  refreshInterval?: number | string;
  /** @deprecated the old name of `refreshInterval`. */
  refresh?: number | string;
  /** Sent to the proxy as `Authorization: Bearer <token>`. */
  playerToken?: string;
  /** BCP 47 tag for numbers and dates. */
  locale?: string;
  /** Colour scheme: set as `data-theme` on `element`; `auto` follows the page's `prefers-color-scheme`. */
  theme?: "light" | "dark" | "auto";
  /** Replacement texts by label name. */
  labels?: Labels;
  /** `compact`: only the season, the XP bar, the level and the next reward (for sidebars); set as
   * `data-layout` on `element`. Default `full`. */
  layout?: "full" | "compact";
  /** Where the guest view's call to action leads (relative or http(s)); without it, a button. */
  signInUrl?: string;
  /** Called with the `progress-sign-in` event after the page's listeners; `preventDefault()`
   * keeps the page where it is. */
  onSignIn?: (event: CustomEvent<SignInDetail>) => void;
}

/** Options of `mountCollections`. */
export interface CollectionOptions {
  proxyUrl: string;
  /** The platform, e.g. "discord" or "roblox" (required with `platformUserId`). */
  platform?: string;
  /** The user's id on that platform. Absent or empty: only the call to action to sign in. */
  platformUserId?: Id;
  /** Show only this collection. */
  programId?: Id;
  refreshInterval?: number | string;
  /** @deprecated the old name of `refreshInterval`. */
  refresh?: number | string;
  playerToken?: string;
  locale?: string;
  theme?: "light" | "dark" | "auto";
  labels?: Labels;
  signInUrl?: string;
  onSignIn?: (event: CustomEvent<SignInDetail>) => void;
}

/** `detail` of the `progress-sign-in` event: the `sign-in-url` the link follows, if any. */
export interface SignInDetail {
  url: string | null;
}

/** `detail` of the `progress-error` event. */
export interface ProgressErrorDetail {
  /** `load`: the wasm could not be loaded (see the CSP and CDN notes in the README). */
  kind: "config" | "load" | "network" | "http" | "decode";
  /** The HTTP status, for `http`. */
  status?: number;
  message: string;
}

/** Page-wide defaults for every element. */
export interface PageDefaults {
  proxyUrl?: string;
  theme?: "light" | "dark" | "auto";
  locale?: string;
  /** Replacement texts by label name, for every element (see `Labels`). */
  labels?: Labels;
}

/** Replacement texts by label name (`{locked: "Not yet"}`): any of the names in the README's
 * label table; `{placeholders}` are filled in. Names that are no label are ignored. */
export type Labels = Partial<Record<string, string>>;

/** A widget mounted with `mountBattlepass` / `mountCollections`. */
export interface MountedWidget {
  /** Fetches again now; `progress-load` or `progress-error` tells the outcome. */
  refresh(): void;
  /** Changes the options; a changed id fetches again. Throws on an invalid option. */
  update(options: BattlepassOptions | CollectionOptions): void;
  /** Removes the widget and stops its requests and timers. */
  unmount(): void;
  readonly mounted: boolean;
}

export declare function mountBattlepass(element: HTMLElement, options: BattlepassOptions): MountedWidget;
export declare function mountCollections(element: HTMLElement, options: CollectionOptions): MountedWidget;
/** Sets page-wide defaults; connected elements update. */
export declare function configure(options: PageDefaults): void;
/** Defines both elements unless already defined (importing the module in a browser does this;
 * elsewhere, as in a server render, it does nothing). */
export declare function defineElements(): void;

export interface ProgressElementEventMap extends HTMLElementEventMap {
  "progress-load": CustomEvent<unknown>;
  "progress-error": CustomEvent<ProgressErrorDetail>;
  /** Cancelable: `preventDefault()` keeps the page (your own login dialog). */
  "progress-sign-in": CustomEvent<SignInDetail>;
}

declare abstract class ProgressElement extends HTMLElement {
  /** Fetches again now; settles when the new data is shown. */
  refresh(): Promise<unknown>;
  /** Reflects `proxy-url`. */
  proxyUrl: string | null;
  /** Reflects `refresh-interval` (seconds; set a number, read a string). */
  refreshInterval: string | number | null;
  /** Reflects `theme`. */
  theme: string | null;
  /** Reflects `locale`. */
  locale: string | null;
  /** Reflects `player-token`. */
  playerToken: string | null;
  /** Reflects `sign-in-url`. */
  signInUrl: string | null;
  addEventListener<K extends keyof ProgressElementEventMap>(type: K, listener: (this: this, ev: ProgressElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

/** `<battlepass-progress>` */
export declare class BattlepassProgressElement extends ProgressElement {
  /** Reflects `player-id`. */
  playerId: Id | null;
  /** Reflects `game-id`. */
  gameId: Id | null;
  /** Reflects `battlepass-id`. */
  battlepassId: Id | null;
  /** Reflects `layout` (`full` or `compact`). */
  layout: string | null;
}
/** `<collection-progress>` */
export declare class CollectionProgressElement extends ProgressElement {
  /** Reflects `platform`. */
  platform: string | null;
  /** Reflects `platform-user-id`. */
  platformUserId: Id | null;
  /** Reflects `program-id`. */
  programId: Id | null;
}

/** Attributes as JSX props (React and others). React 19 sets the camelCase ones as properties. */
interface CommonAttributes {
  "proxy-url"?: string;
  proxyUrl?: string;
  "refresh-interval"?: number | string;
  refreshInterval?: number | string;
  playerToken?: string;
  theme?: "light" | "dark" | "auto";
  locale?: string;
  "player-token"?: string;
  "sign-in-url"?: string;
  signInUrl?: string;
  id?: string;
  class?: string;
  className?: string;
  style?: unknown;
  ref?: unknown;
  key?: string | number;
  children?: unknown;
}
export interface BattlepassProgressAttributes extends CommonAttributes {
  "player-id"?: Id;
  playerId?: Id;
  "game-id"?: Id;
  gameId?: Id;
  "battlepass-id"?: Id;
  battlepassId?: Id;
  layout?: "full" | "compact";
}
export interface CollectionProgressAttributes extends CommonAttributes {
  platform?: string;
  "platform-user-id"?: Id;
  platformUserId?: Id;
  "program-id"?: Id;
  programId?: Id;
}

declare global {
  interface HTMLElementTagNameMap {
    "battlepass-progress": BattlepassProgressElement;
    "collection-progress": CollectionProgressElement;
  }
  namespace JSX {
    interface IntrinsicElements {
      "battlepass-progress": BattlepassProgressAttributes;
      "collection-progress": CollectionProgressAttributes;
    }
  }
}

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "battlepass-progress": BattlepassProgressAttributes;
      "collection-progress": CollectionProgressAttributes;
    }
  }
}
