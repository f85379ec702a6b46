// The dashboard's own small design system: every page builds on these, never on raw styling.
import "./ui.css";

export { Alert, type AlertProps } from "./alert";
export { Button, type ButtonProps } from "./button";
export { CheckboxField, SelectField } from "./choice";
export { ConfirmDialog } from "./dialog";
export { Field, FieldGroup } from "./field";
export { PAGE_TITLE_ID, Page, Section, Stack } from "./layout";
