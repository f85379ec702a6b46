// Generated from GET /openapi.json by npm run generate:client. Do not edit: change the route
// schemas (or the field catalog, src/users/user-fields.ts), then regenerate.

export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Request counts and latency histograms by route pattern and status, `valara_db_queries_total` (every SQL statement the process ran) and the process's default metrics, in the Prometheus text format. Absent (404) when METRICS_ENABLED=false; when METRICS_TOKEN is set, send `Authorization: Bearer <METRICS_TOKEN>`.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and database reachability */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sign-up/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account with email and password, signed in at once */
        post: operations["signUpEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sign-in/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with email and password */
        post: operations["signInEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the current session (its cookie is cleared) */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/get-session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The current session and its user; null when not signed in */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/list-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's active sessions */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/revoke-session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End one of the caller's sessions */
        post: operations["revokeSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/revoke-other-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of the caller but this one */
        post: operations["revokeOtherSessions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/revoke-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of the caller, this one included */
        post: operations["revokeSessions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/change-password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the caller's password */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/api-key/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an API key for the caller; its secret is in this answer only */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/api-key/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's API keys (without their secrets) */
        get: operations["listApiKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/api-key/get": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of the caller's API keys (without its secret) */
        get: operations["getApiKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/api-key/update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rename, enable or disable (revoke), or change the expiry of one of the caller's keys */
        post: operations["updateApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/api-key/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Delete one of the caller's keys; it never authenticates again */
        post: operations["deleteApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's own user */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one user (owner or admin; anyone else gets 404) */
        get: operations["getUser"];
        /**
         * Update any user, including admin-only fields (admins only)
         * @description PATCH's merge semantics (only the fields sent change) plus email, role, is_active, email_verified and account_status. Deactivating or suspending a user ends their sessions and stops their API keys at once; reactivating restores the keys. An admin cannot deactivate, suspend or demote themself.
         */
        put: operations["updateUserAsAdmin"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update a user profile (partial)
         * @description Only the fields sent change, atomically. Owners may change their own profile; admins anyone's. No body at all (zero bytes, whatever the Content-Type) is the empty patch: 200 and the user, nothing changed. Admin-only fields (email, role, is_active, email_verified, account_status) need PUT. Rules are checked in this order: credentials (401), ownership (403), body (415/413/422), admin-only fields (403/422), field validation (422), existence (404), If-Match (412).
         */
        patch: operations["updateUserProfile"];
        trace?: never;
    };
    "/api/v1/users/{user_id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's profile changes, newest first (owner or admin) */
        get: operations["getUserHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users (admin)
         * @description Oldest first by creation time, ties broken by id; pages follow `next_cursor`. Admins only: anyone else gets 403 forbidden. Unknown or repeated query parameters are 422 validation_failed.
         */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event catalog (admin) */
        get: operations["listWebhookEventTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List endpoints (admin) */
        get: operations["listWebhookEndpoints"];
        put?: never;
        /**
         * Register an endpoint (admin); its secret is shown once
         * @description The URL must be https and resolve only to public addresses (422 webhook_url_not_allowed); no `event_types`: every type.
         */
        post: operations["createWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read an endpoint (admin) */
        get: operations["getWebhookEndpoint"];
        put?: never;
        post?: never;
        /** Delete an endpoint and its deliveries (admin) */
        delete: operations["deleteWebhookEndpoint"];
        options?: never;
        head?: never;
        /** Change an endpoint's url, event types, description or enabled (admin) */
        patch: operations["updateWebhookEndpoint"];
        trace?: never;
    };
    "/api/v1/webhooks/endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new secret, shown once; the old one still signs for 24 hours (admin) */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a webhook.test event now and report how the receiver answered (admin) */
        post: operations["testWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An endpoint's deliveries, newest first (admin) */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/deliveries/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue a delivery again, a dead one included, with a fresh schedule (admin) */
        post: operations["redeliverWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The feed of every event, oldest first, kept 30 days (admin)
         * @description Positions follow commit order without gaps; a page, once read, never changes. Poll with `after` = the last `next_cursor` (never null). A cursor is bound to its `types` filter.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Error */
        Error: {
            error: {
                /** @description Stable snake_case code; branch on this */
                code: "auth_required" | "api_key_invalid" | "account_inactive" | "forbidden" | "admin_only_fields" | "user_not_found" | "not_found" | "webhook_endpoint_not_found" | "webhook_delivery_not_found" | "email_taken" | "idempotency_key_conflict" | "idempotency_key_in_progress" | "precondition_failed" | "payload_too_large" | "unsupported_media_type" | "invalid_json" | "validation_failed" | "invalid_cursor" | "webhook_url_not_allowed" | "rate_limit_exceeded" | "internal_error" | "service_unavailable" | "request_timeout";
                /** @description One readable line */
                message: string;
                /** @description Equals the X-Request-Id response header */
                request_id: string;
                details: {
                    [key: string]: unknown;
                };
                /** @description What to do instead */
                hint?: string;
            };
        };
        /** User */
        User: {
            /** @description Opaque user id */
            id: string;
            /** Format: email */
            email: string;
            /** @description Full name */
            name: string;
            /** @description Given name */
            first_name: string | null;
            /** @description Family name */
            last_name: string | null;
            /** @description Name shown on the public profile */
            display_name: string | null;
            /** @description Contact email shown on the public profile: an email address */
            display_email: string | null;
            /** @description Job title, e.g. Senior Real Estate Agent */
            title: string | null;
            /** @description One-line pitch */
            tagline: string | null;
            /** @description Main phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent */
            phone: string | null;
            /** @description Mobile phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent */
            cell_phone: string | null;
            /** @description Office phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent */
            office_phone: string | null;
            /** @description Avatar image: an absolute http(s) URL */
            avatar_url: string | null;
            /** @description Brokerage */
            brokerage_name: string | null;
            /** @description Office */
            office_name: string | null;
            /** @description Real-estate license number */
            license_number: string | null;
            /** @description Licensing state: two-letter code of a US state or territory */
            license_state: string | null;
            /** @description License expiry date: a calendar date YYYY-MM-DD */
            license_expiration: string | null;
            /** @description Biography; newlines allowed */
            bio: string | null;
            /** @description Personal website: an absolute http(s) URL */
            website_url: string | null;
            /** @description Facebook profile: an absolute http(s) URL */
            facebook_url: string | null;
            /** @description Instagram profile: an absolute http(s) URL */
            instagram_url: string | null;
            /** @description LinkedIn profile: an absolute http(s) URL */
            linkedin_url: string | null;
            /** @description Twitter / X profile: an absolute http(s) URL */
            twitter_url: string | null;
            /** @description YouTube channel: an absolute http(s) URL */
            youtube_url: string | null;
            /** @description TikTok profile: an absolute http(s) URL */
            tiktok_url: string | null;
            /** @description Zillow profile: an absolute http(s) URL */
            zillow_url: string | null;
            /** @description City */
            city: string | null;
            /** @description State: two-letter code of a US state or territory */
            state: string | null;
            /** @description One of the configured roles (default: user, admin) */
            role: string;
            is_active: boolean;
            email_verified: boolean;
            account_status: "active" | "suspended" | "pending";
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /**
         * UserProfilePatch
         * @description Only the fields sent change. Each key may also be sent in camelCase (displayName, cellPhone, …). Strings are trimmed and NFC-normalised; "" or null clears a field (name cannot be cleared).
         * @example {
         *       "displayName": "John D.",
         *       "title": "Senior Real Estate Agent",
         *       "cellPhone": "+1-555-0123"
         *     }
         */
        UserProfilePatch: {
            /**
             * Name
             * @description Full name
             */
            name?: string;
            /**
             * First name
             * @description Given name
             */
            first_name?: string | null;
            /**
             * Last name
             * @description Family name
             */
            last_name?: string | null;
            /**
             * Display name
             * @description Name shown on the public profile
             */
            display_name?: string | null;
            /**
             * Display email
             * @description Contact email shown on the public profile: an email address
             */
            display_email?: string | null;
            /**
             * Title
             * @description Job title, e.g. Senior Real Estate Agent
             */
            title?: string | null;
            /**
             * Tagline
             * @description One-line pitch
             */
            tagline?: string | null;
            /**
             * Phone
             * @description Main phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent
             */
            phone?: string | null;
            /**
             * Cell phone
             * @description Mobile phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent
             */
            cell_phone?: string | null;
            /**
             * Office phone
             * @description Office phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent
             */
            office_phone?: string | null;
            /**
             * Avatar URL
             * @description Avatar image: an absolute http(s) URL
             */
            avatar_url?: string | null;
            /**
             * Brokerage name
             * @description Brokerage
             */
            brokerage_name?: string | null;
            /**
             * Office name
             * @description Office
             */
            office_name?: string | null;
            /**
             * License number
             * @description Real-estate license number
             */
            license_number?: string | null;
            /**
             * License state
             * @description Licensing state: two-letter code of a US state or territory
             */
            license_state?: string | null;
            /**
             * License expiration
             * @description License expiry date: a calendar date YYYY-MM-DD
             */
            license_expiration?: string | null;
            /**
             * Bio
             * @description Biography; newlines allowed
             */
            bio?: string | null;
            /**
             * Website URL
             * @description Personal website: an absolute http(s) URL
             */
            website_url?: string | null;
            /**
             * Facebook URL
             * @description Facebook profile: an absolute http(s) URL
             */
            facebook_url?: string | null;
            /**
             * Instagram URL
             * @description Instagram profile: an absolute http(s) URL
             */
            instagram_url?: string | null;
            /**
             * LinkedIn URL
             * @description LinkedIn profile: an absolute http(s) URL
             */
            linkedin_url?: string | null;
            /**
             * Twitter URL
             * @description Twitter / X profile: an absolute http(s) URL
             */
            twitter_url?: string | null;
            /**
             * YouTube URL
             * @description YouTube channel: an absolute http(s) URL
             */
            youtube_url?: string | null;
            /**
             * TikTok URL
             * @description TikTok profile: an absolute http(s) URL
             */
            tiktok_url?: string | null;
            /**
             * Zillow URL
             * @description Zillow profile: an absolute http(s) URL
             */
            zillow_url?: string | null;
            /**
             * City
             * @description City
             */
            city?: string | null;
            /**
             * State
             * @description State: two-letter code of a US state or territory
             */
            state?: string | null;
        };
        /**
         * UserAdminPatch
         * @description Like UserProfilePatch, plus the admin-only fields. camelCase spellings are accepted too (isActive, …).
         * @example {
         *       "role": "admin",
         *       "isActive": true,
         *       "title": "Broker"
         *     }
         */
        UserAdminPatch: {
            /**
             * Name
             * @description Full name
             */
            name?: string;
            /**
             * First name
             * @description Given name
             */
            first_name?: string | null;
            /**
             * Last name
             * @description Family name
             */
            last_name?: string | null;
            /**
             * Display name
             * @description Name shown on the public profile
             */
            display_name?: string | null;
            /**
             * Display email
             * @description Contact email shown on the public profile: an email address
             */
            display_email?: string | null;
            /**
             * Title
             * @description Job title, e.g. Senior Real Estate Agent
             */
            title?: string | null;
            /**
             * Tagline
             * @description One-line pitch
             */
            tagline?: string | null;
            /**
             * Phone
             * @description Main phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent
             */
            phone?: string | null;
            /**
             * Cell phone
             * @description Mobile phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent
             */
            cell_phone?: string | null;
            /**
             * Office phone
             * @description Office phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent
             */
            office_phone?: string | null;
            /**
             * Avatar URL
             * @description Avatar image: an absolute http(s) URL
             */
            avatar_url?: string | null;
            /**
             * Brokerage name
             * @description Brokerage
             */
            brokerage_name?: string | null;
            /**
             * Office name
             * @description Office
             */
            office_name?: string | null;
            /**
             * License number
             * @description Real-estate license number
             */
            license_number?: string | null;
            /**
             * License state
             * @description Licensing state: two-letter code of a US state or territory
             */
            license_state?: string | null;
            /**
             * License expiration
             * @description License expiry date: a calendar date YYYY-MM-DD
             */
            license_expiration?: string | null;
            /**
             * Bio
             * @description Biography; newlines allowed
             */
            bio?: string | null;
            /**
             * Website URL
             * @description Personal website: an absolute http(s) URL
             */
            website_url?: string | null;
            /**
             * Facebook URL
             * @description Facebook profile: an absolute http(s) URL
             */
            facebook_url?: string | null;
            /**
             * Instagram URL
             * @description Instagram profile: an absolute http(s) URL
             */
            instagram_url?: string | null;
            /**
             * LinkedIn URL
             * @description LinkedIn profile: an absolute http(s) URL
             */
            linkedin_url?: string | null;
            /**
             * Twitter URL
             * @description Twitter / X profile: an absolute http(s) URL
             */
            twitter_url?: string | null;
            /**
             * YouTube URL
             * @description YouTube channel: an absolute http(s) URL
             */
            youtube_url?: string | null;
            /**
             * TikTok URL
             * @description TikTok profile: an absolute http(s) URL
             */
            tiktok_url?: string | null;
            /**
             * Zillow URL
             * @description Zillow profile: an absolute http(s) URL
             */
            zillow_url?: string | null;
            /**
             * City
             * @description City
             */
            city?: string | null;
            /**
             * State
             * @description State: two-letter code of a US state or territory
             */
            state?: string | null;
            /**
             * Format: email
             * @description Sign-in email; unique
             */
            email?: string;
            /** @description One of the configured roles */
            role?: string;
            /** @description False locks the user out */
            is_active?: boolean;
            /** @description Email ownership proven */
            email_verified?: boolean;
            /** @description suspended locks the user out */
            account_status?: "active" | "suspended" | "pending";
        };
        /**
         * UserPage
         * @description One page of users, oldest first
         */
        UserPage: {
            data: components["schemas"]["User"][];
            /** @description Pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        /**
         * HistoryEntry
         * @description One change of a user's profile
         */
        HistoryEntry: {
            /** @description chg_N: the user's entries are numbered in the order their changes committed */
            id: string;
            /** Format: date-time */
            at: string;
            /** @description Who made the change */
            actor_id: string;
            /** @description The request that made it (its X-Request-Id) */
            request_id: string;
            /** @description Each changed field with its old and new value */
            changes: {
                [key: string]: {
                    from: unknown;
                    to: unknown;
                };
            };
        };
        /**
         * HistoryPage
         * @description One page of a user's changes, newest first
         */
        HistoryPage: {
            data: components["schemas"]["HistoryEntry"][];
            /** @description Pass as `cursor` for the next (older) page; null on the last page */
            next_cursor: string | null;
        };
        /**
         * AuthUser
         * @description A user as Better Auth's routes show it (camelCase). GET /api/v1/users/me gives the API's User.
         */
        AuthUser: {
            id: string;
            /** Format: email */
            email: string;
            name: string;
            emailVerified: boolean;
            image: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            role: string | null;
            banned: boolean | null;
            banReason: string | null;
            banExpires: string | null;
            isActive: boolean;
            accountStatus: string;
            firstName?: string | null;
            lastName?: string | null;
            displayName?: string | null;
            displayEmail?: string | null;
            title?: string | null;
            tagline?: string | null;
            phone?: string | null;
            cellPhone?: string | null;
            officePhone?: string | null;
            brokerageName?: string | null;
            officeName?: string | null;
            licenseNumber?: string | null;
            licenseState?: string | null;
            licenseExpiration?: string | null;
            bio?: string | null;
            websiteUrl?: string | null;
            facebookUrl?: string | null;
            instagramUrl?: string | null;
            linkedinUrl?: string | null;
            twitterUrl?: string | null;
            youtubeUrl?: string | null;
            tiktokUrl?: string | null;
            zillowUrl?: string | null;
            city?: string | null;
            state?: string | null;
        };
        /**
         * Session
         * @description A signed-in session
         */
        Session: {
            id: string;
            token: string | null;
            userId: string;
            /** Format: date-time */
            expiresAt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            ipAddress: string | null;
            userAgent: string | null;
            impersonatedBy?: string | null;
        };
        /**
         * SessionWithUser
         * @description The current session and its user
         */
        SessionWithUser: {
            session: components["schemas"]["Session"];
            user: components["schemas"]["AuthUser"];
        };
        /**
         * SignUpRequest
         * @description A new account, signed in at once
         */
        SignUpRequest: {
            name: string;
            /** Format: email */
            email: string;
            /** @description 8–128 characters */
            password: string;
            rememberMe?: boolean;
            callbackURL?: string;
        };
        /**
         * SignUpResponse
         * @description The account and its first session (also in the set-auth-token header and the cookie)
         */
        SignUpResponse: {
            token: string | null;
            user: components["schemas"]["AuthUser"];
        };
        /**
         * SignInRequest
         * @description Email and password
         */
        SignInRequest: {
            /** Format: email */
            email: string;
            password: string;
            /** @description false: the cookie ends with the browser session */
            rememberMe?: boolean;
            callbackURL?: string;
        };
        /**
         * SignInResponse
         * @description The new session: its token here and in set-auth-token, and the session cookie
         */
        SignInResponse: {
            redirect: boolean;
            token: string | null;
            url?: string | null;
            user: components["schemas"]["AuthUser"];
        };
        /**
         * RevokeSessionRequest
         * @description Which session to end
         */
        RevokeSessionRequest: {
            /** @description The token of the session to end (from list-sessions) */
            token: string;
        };
        /**
         * ChangePasswordRequest
         * @description The current password and the new one
         */
        ChangePasswordRequest: {
            currentPassword: string;
            /** @description 8–128 characters */
            newPassword: string;
            /** @description Also end every other session */
            revokeOtherSessions?: boolean;
        };
        /**
         * ChangePasswordResponse
         * @description The password was changed
         */
        ChangePasswordResponse: {
            token: string | null;
            user: components["schemas"]["AuthUser"];
        };
        /**
         * StatusResult
         * @description Done
         */
        StatusResult: {
            status: boolean;
        };
        /**
         * SuccessResult
         * @description Done
         */
        SuccessResult: {
            success: boolean;
        };
        /**
         * ApiKey
         * @description An API key, without its secret
         */
        ApiKey: {
            id: string;
            name: string | null;
            start: string | null;
            prefix: string | null;
            /** @description The owner's user id */
            referenceId: string;
            /** @description false: revoked; it never authenticates again */
            enabled: boolean;
            expiresAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            lastRequest: string | null;
            metadata?: unknown;
        } & {
            [key: string]: unknown;
        };
        /**
         * CreatedApiKey
         * @description A new API key with its secret, shown once
         */
        CreatedApiKey: {
            id: string;
            name: string | null;
            start: string | null;
            prefix: string | null;
            /** @description The owner's user id */
            referenceId: string;
            /** @description false: revoked; it never authenticates again */
            enabled: boolean;
            expiresAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            lastRequest: string | null;
            metadata?: unknown;
            /** @description The secret (vk_…): shown this once, stored hashed */
            key: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * ApiKeyList
         * @description The caller's API keys
         */
        ApiKeyList: {
            apiKeys: components["schemas"]["ApiKey"][];
            total: number;
        };
        /**
         * CreateApiKeyRequest
         * @description A new key for the caller
         */
        CreateApiKeyRequest: {
            name?: string;
            expiresIn?: number | null;
            metadata?: unknown;
        };
        /**
         * UpdateApiKeyRequest
         * @description What to change on one of the caller's keys
         */
        UpdateApiKeyRequest: {
            keyId: string;
            name?: string;
            /** @description false revokes the key */
            enabled?: boolean;
            expiresIn?: number | null;
            metadata?: unknown;
        };
        /**
         * DeleteApiKeyRequest
         * @description Which key to delete
         */
        DeleteApiKeyRequest: {
            keyId: string;
        };
        /**
         * WebhookEventType
         * @description An event type of the catalog
         */
        WebhookEventType: "user.signed_up" | "user.updated" | "user.deactivated" | "user.reactivated" | "webhook.test";
        /**
         * WebhookCatalog
         * @description Every event type an endpoint can receive
         */
        WebhookCatalog: {
            data: {
                type: components["schemas"]["WebhookEventType"];
                description: string;
            }[];
        };
        /**
         * WebhookEndpoint
         * @description A registered receiver of webhooks (its secret is shown only once)
         */
        WebhookEndpoint: {
            /** @description whe_… */
            id: string;
            /** @description Where deliveries are POSTed (https) */
            url: string;
            description: string | null;
            event_types: ("user.signed_up" | "user.updated" | "user.deactivated" | "user.reactivated")[];
            enabled: boolean;
            disabled_reason: string | null;
            previous_secret_expires_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /**
         * WebhookEndpointWithSecret
         * @description A new endpoint, or one whose secret was just rotated, with its secret
         */
        WebhookEndpointWithSecret: components["schemas"]["WebhookEndpoint"] & {
            /** @description whsec_…: shown this once; store it now */
            secret: string;
        };
        /**
         * WebhookEndpointCreate
         * @description A new endpoint
         */
        WebhookEndpointCreate: {
            url: string;
            /** @description The event types to receive; omitted at creation: every type */
            event_types?: ("user.signed_up" | "user.updated" | "user.deactivated" | "user.reactivated")[];
            description?: string;
        };
        /**
         * WebhookEndpointPatch
         * @description Changes to an endpoint
         */
        WebhookEndpointPatch: {
            url?: string;
            /** @description The event types to receive; omitted at creation: every type */
            event_types?: ("user.signed_up" | "user.updated" | "user.deactivated" | "user.reactivated")[];
            description?: string | null;
            /** @description true re-enables a disabled endpoint */
            enabled?: boolean;
        };
        /**
         * WebhookEndpointPage
         * @description One page of endpoints, oldest first
         */
        WebhookEndpointPage: {
            data: components["schemas"]["WebhookEndpoint"][];
            /** @description Pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        /**
         * WebhookDelivery
         * @description One event sent (or to send) to one endpoint
         */
        WebhookDelivery: {
            /** @description dlv_… */
            id: string;
            endpoint_id: string;
            event_id: string;
            event_type: components["schemas"]["WebhookEventType"];
            /** @description pending (not tried yet), failed (retried at next_attempt_at), succeeded, dead (no more tries) */
            status: "pending" | "succeeded" | "failed" | "dead";
            attempts: number;
            last_response_status: number | null;
            last_error: string | null;
            last_duration_ms: number | null;
            next_attempt_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /**
         * WebhookDeliveryPage
         * @description One page of an endpoint's deliveries, newest first
         */
        WebhookDeliveryPage: {
            data: components["schemas"]["WebhookDelivery"][];
            /** @description Pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        /**
         * WebhookTestResult
         * @description How the receiver answered a webhook.test event
         */
        WebhookTestResult: {
            delivery_id: string;
            event_id: string;
            /** @description The receiver answered 2xx */
            ok: boolean;
            status: number | null;
            duration_ms: number;
            error: string | null;
        };
        /**
         * Event
         * @description Valara's event envelope, as deliveries carry it (plus its feed position)
         */
        Event: {
            /** @description evt_…: the same on every delivery of this event */
            event_id: string;
            event_type: components["schemas"]["WebhookEventType"];
            api_version: string;
            /** @description Epoch seconds of this read (of this attempt, in a delivery) */
            timestamp: number;
            nonce: string;
            /** @description The event's place in the feed: commit order, no gaps */
            position: number;
            data: {
                [key: string]: unknown;
            };
        };
        /**
         * EventPage
         * @description One page of the events feed, oldest first
         */
        EventPage: {
            data: components["schemas"]["Event"][];
            /** @description Pass as `after` for what follows; never null: at the end it marks where to poll from next */
            next_cursor: string;
            has_more: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format 0.0.4 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4; charset=utf-8": string;
                };
            };
            /** @description Error envelope; code is auth_required (missing or wrong token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                        /** @enum {string} */
                        database: "ok";
                    };
                };
            };
        };
    };
    signUpEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignUpRequest"];
            };
        };
        responses: {
            /** @description The account and its first session (also in the set-auth-token header and the cookie) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignUpResponse"];
                };
            };
            /** @description Error envelope; code is one of: email_taken, idempotency_key_conflict, idempotency_key_in_progress */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signInEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignInRequest"];
            };
        };
        responses: {
            /** @description The new session: its token here and in set-auth-token, and the session cookie */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResponse"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResult"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionWithUser"] | null;
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"][];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokeSessionRequest"];
            };
        };
        responses: {
            /** @description Done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusResult"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeOtherSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusResult"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusResult"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordRequest"];
            };
        };
        responses: {
            /** @description The password was changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangePasswordResponse"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyRequest"];
            };
        };
        responses: {
            /** @description A new API key with its secret, shown once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's API keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getApiKey: {
        parameters: {
            query: {
                /** @description The key's id */
                id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An API key, without its secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateApiKeyRequest"];
            };
        };
        responses: {
            /** @description An API key, without its secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeleteApiKeyRequest"];
            };
        };
        responses: {
            /** @description Done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResult"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCurrentUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description Answer 304 if the user's ETag still matches */
                "if-none-match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    /** @description Strong entity tag of the returned user */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Not modified */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description Answer 304 if the user's ETag still matches */
                "if-none-match"?: string;
            };
            path: {
                /** @description The user's id, or `me` for the caller */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    /** @description Strong entity tag of the returned user */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Not modified */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateUserAsAdmin: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: 1–255 printable ASCII characters, kept 24 hours (also Idempotency-Key) */
                "x-idempotency-key"?: string;
                /** @description Apply only if the user's ETag still matches (`*` for any) */
                "if-match"?: string;
            };
            path: {
                /** @description The user's id, or `me` for the caller */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserAdminPatch"];
            };
        };
        responses: {
            /** @description The whole user after the change */
            200: {
                headers: {
                    /** @description Strong entity tag of the returned user */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: email_taken, idempotency_key_conflict, idempotency_key_in_progress */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: precondition_failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: service_unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: request_timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateUserProfile: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: 1–255 printable ASCII characters, kept 24 hours (also Idempotency-Key) */
                "x-idempotency-key"?: string;
                /** @description Apply only if the user's ETag still matches (`*` for any) */
                "if-match"?: string;
            };
            path: {
                /** @description The user's id, or `me` for the caller */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["UserProfilePatch"];
            };
        };
        responses: {
            /** @description The whole user after the change */
            200: {
                headers: {
                    /** @description Strong entity tag of the returned user */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: email_taken, idempotency_key_conflict, idempotency_key_in_progress */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: precondition_failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: service_unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: request_timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUserHistory: {
        parameters: {
            query?: {
                /** @description Page size, 1–200 */
                limit?: number;
                /** @description next_cursor from the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The user's id, or `me` for the caller */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of a user's changes, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryPage"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: {
                /** @description Page size, 1–200; anything else is 422 validation_failed */
                limit?: number;
                /** @description `next_cursor` of the previous page, unchanged. It is bound to the `role` and `active` filters it was issued with (not to `limit`); with other filters, or altered, it is 422 invalid_cursor */
                cursor?: string;
                /** @description Only users with this role, as the user object's `role` shows it. Must be one of the configured roles (an unknown role is 422 validation_failed, so that a typo cannot pass for an empty result) */
                role?: "user" | "admin";
                /** @description Only users whose name or email contains this text, ignoring case (on SQLite, ASCII letters only). A cursor is bound to it like the other filters */
                search?: string;
                /** @description `true` or `false` (nothing else): filters on the user object's `is_active` flag alone; `account_status` (e.g. suspended) is not considered */
                active?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of users, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPage"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhookEventTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every event type an endpoint can receive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookCatalog"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhookEndpoints: {
        parameters: {
            query?: {
                /** @description Page size, 1–200 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of endpoints, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointPage"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEndpointCreate"];
            };
        };
        responses: {
            /** @description A new endpoint, or one whose secret was just rotated, with its secret */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description whe_… */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A registered receiver of webhooks (its secret is shown only once) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description whe_… */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description whe_… */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEndpointPatch"];
            };
        };
        responses: {
            /** @description A registered receiver of webhooks (its secret is shown only once) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description whe_… */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A new endpoint, or one whose secret was just rotated, with its secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description whe_… */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How the receiver answered a webhook.test event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookTestResult"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Page size, 1–200 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description whe_… */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of an endpoint's deliveries, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    redeliverWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description dlv_… */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One event sent (or to send) to one endpoint */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: user_not_found, not_found, webhook_endpoint_not_found, webhook_delivery_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page; omitted: from the start */
                after?: string;
                /** @description Page size, 1–500 */
                limit?: number;
                /** @description Only these types, comma-separated: user.signed_up, user.updated, user.deactivated, user.reactivated, webhook.test */
                types?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the events feed, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Error envelope; code is one of: auth_required, api_key_invalid, account_inactive */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: forbidden, admin_only_fields */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: admin_only_fields, invalid_json, validation_failed, invalid_cursor, webhook_url_not_allowed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: rate_limit_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error envelope; code is one of: internal_error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
